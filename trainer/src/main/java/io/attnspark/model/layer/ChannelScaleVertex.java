package io.attnspark.model.layer;


import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.inputs.InvalidInputTypeException;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Configuration of {@code out[n,c,h,w] = x[n,c,h,w] * gate[n,c]}: the "x · a" of channel attention (SE, ECA, ...),
 * a broadcast that no built-in DL4J vertex does with a gradient for both inputs.
 * Inputs, in order: {@code x} (NCHW convolutional) and the gate: any activation with exactly C values per example,
 * read in row-major order (feed-forward [N,C], convolutional [N,C,1,1], or [N,1,1,C] from a convolution over channels).
 * It has no fields, so its JSON is just its class name (DL4J's vertex JSON is class-name polymorphic).
 */
public class ChannelScaleVertex extends ParameterFreeVertex {

    @Override
    protected int inputCount() {
        return 2;
    }

    @Override
    public org.deeplearning4j.nn.graph.vertex.GraphVertex instantiate(ComputationGraph graph, String name, int idx,
            INDArray paramsView, boolean initializeParams, DataType networkDatatype) {
        return new ChannelScaleVertexImpl(graph, name, idx, networkDatatype);
    }

    @Override
    public InputType getOutputType(int layerIndex, InputType... vertexInputs) throws InvalidInputTypeException {
        return PerChannelInput.outputType("channel scale", "gate", vertexInputs);
    }
}
