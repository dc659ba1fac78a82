package io.attnspark.model.layer;

import java.util.Arrays;

import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.inputs.InvalidInputTypeException;
import org.deeplearning4j.nn.conf.memory.MemoryReport;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Configuration of {@code out = x · interpolate(gate, size=(H, W), mode='nearest')}: x [N,C,H,W] times a gate
 * [N,C,h,w] or [N,1,h,w] (one map for all channels), resized with PyTorch's nearest-neighbour rule
 * (source index {@code min(floor(i · (float) h / H), h - 1)}). DL4J's {@code Upsampling2D} only repeats by whole
 * factors, which differs from PyTorch on sizes that the factor does not divide. Used for CBAM's spatial gate and
 * gather-excite's upsampled gate. No fields, so its JSON is its class name. Runtime: {@link NearestGateVertexImpl}.
 */
public class NearestGateVertex extends ParameterFreeVertex {

    @Override
    protected int inputCount() {
        return 2;
    }

    @Override
    public org.deeplearning4j.nn.graph.vertex.GraphVertex instantiate(ComputationGraph graph, String name, int idx,
            INDArray paramsView, boolean initializeParams, DataType networkDatatype) {
        return new NearestGateVertexImpl(graph, name, idx, networkDatatype);
    }

    @Override
    public InputType getOutputType(int layerIndex, InputType... vertexInputs) throws InvalidInputTypeException {
        if (vertexInputs.length != 2 || !(vertexInputs[0] instanceof InputType.InputTypeConvolutional x)
                || !(vertexInputs[1] instanceof InputType.InputTypeConvolutional gate)
                || x.getFormat() != CNN2DFormat.NCHW || gate.getFormat() != CNN2DFormat.NCHW) {
            throw new InvalidInputTypeException("nearest gate: both inputs (x, gate) must be NCHW convolutional activations, got "
                    + Arrays.toString(vertexInputs));
        }
        if (gate.getChannels() != x.getChannels() && gate.getChannels() != 1) {
            throw new InvalidInputTypeException("nearest gate: the gate must have " + x.getChannels()
                    + " channels (one map per channel of x) or 1 (one map for all); got " + gate);
        }
        return x;
    }

    @Override
    public MemoryReport getMemoryReport(InputType... inputTypes) {
        // the resized gate is working memory of the size of x (at most)
        long resizedGate = inputTypes[0].arrayElementsPerExample();
        return memoryReport(inputTypes[0], inputTypes[0], resizedGate, resizedGate);
    }
}
