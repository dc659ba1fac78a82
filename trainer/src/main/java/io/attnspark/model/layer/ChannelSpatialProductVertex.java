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
 * Configuration of the outer product {@code out[n,c,h,w] = a[n,c] · s[n,0,h,w]} of a channel vector and a
 * one-channel spatial map: BAM's {@code a_c · A_s} before its sigmoid. Inputs, in order: {@code a} (any activation
 * with C values per example, e.g. feed-forward [N,C]) and {@code s} (NCHW convolutional [N,1,H,W]); the output is
 * convolutional [N,C,H,W]. No built-in vertex broadcasts two inputs against each other with gradients for both.
 * No fields, so its JSON is its class name. Runtime: {@link ChannelSpatialProductVertexImpl}.
 */
public class ChannelSpatialProductVertex extends ParameterFreeVertex {

    @Override
    protected int inputCount() {
        return 2;
    }

    @Override
    public org.deeplearning4j.nn.graph.vertex.GraphVertex instantiate(ComputationGraph graph, String name, int idx,
            INDArray paramsView, boolean initializeParams, DataType networkDatatype) {
        return new ChannelSpatialProductVertexImpl(graph, name, idx, networkDatatype);
    }

    @Override
    public InputType getOutputType(int layerIndex, InputType... vertexInputs) throws InvalidInputTypeException {
        if (vertexInputs.length != 2 || !(vertexInputs[1] instanceof InputType.InputTypeConvolutional s)
                || s.getFormat() != CNN2DFormat.NCHW || s.getChannels() != 1) {
            throw new InvalidInputTypeException("channel-spatial product: the second input must be a one-channel NCHW"
                    + " convolutional map [N,1,H,W], got " + Arrays.toString(vertexInputs));
        }
        return InputType.convolutional(s.getHeight(), s.getWidth(), vertexInputs[0].arrayElementsPerExample());
    }

    @Override
    public MemoryReport getMemoryReport(InputType... inputTypes) {
        InputType output = getOutputType(-1, inputTypes);
        // backward holds one product of the output's size
        return memoryReport(inputTypes[0], output, 0, output.arrayElementsPerExample());
    }
}
