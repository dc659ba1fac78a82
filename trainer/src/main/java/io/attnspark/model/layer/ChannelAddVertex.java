package io.attnspark.model.layer;


import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.inputs.InvalidInputTypeException;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Configuration of {@code out[n,c,h,w] = x[n,c,h,w] + term[n,c]}: the "channel add" fusion of GCNet and the simplified
 * non-local block, a broadcast that no built-in DL4J vertex does with a gradient for both inputs.
 * Inputs, in order: {@code x} (NCHW convolutional) and the term: any activation with exactly C values per example,
 * read in row-major order (feed-forward [N,C] or convolutional [N,C,1,1]).
 * It has no fields, so its JSON is just its class name.
 */
public class ChannelAddVertex extends ParameterFreeVertex {

    @Override
    protected int inputCount() {
        return 2;
    }

    @Override
    public org.deeplearning4j.nn.graph.vertex.GraphVertex instantiate(ComputationGraph graph, String name, int idx,
            INDArray paramsView, boolean initializeParams, DataType networkDatatype) {
        return new ChannelAddVertexImpl(graph, name, idx, networkDatatype);
    }

    @Override
    public InputType getOutputType(int layerIndex, InputType... vertexInputs) throws InvalidInputTypeException {
        return PerChannelInput.outputType("channel add", "term", vertexInputs);
    }
}
