package io.attnspark.model.layer;

import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.inputs.InvalidInputTypeException;
import org.deeplearning4j.nn.conf.memory.MemoryReport;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * {@code x.mean((2, 3))}: the squeeze of channel attention, NCHW [N,C,H,W] to feed-forward [N,C], as DL4J's
 * {@code GlobalPoolingLayer(AVG)} gives it, in two native passes (a row mean forward, a per-row fill backward) where
 * that layer's backward broadcasts, divides and copies.
 */
public class GlobalAvgPoolVertex extends ParameterFreeVertex {

    @Override
    protected int inputCount() {
        return 1;
    }

    @Override
    public org.deeplearning4j.nn.graph.vertex.GraphVertex instantiate(ComputationGraph graph, String name, int idx,
            INDArray paramsView, boolean initializeParams, DataType networkDatatype) {
        return new GlobalAvgPoolVertexImpl(graph, name, idx, networkDatatype);
    }

    @Override
    public InputType getOutputType(int layerIndex, InputType... vertexInputs) throws InvalidInputTypeException {
        InputType.InputTypeConvolutional x = singleNchwInput("global average pool", vertexInputs);
        return InputType.feedForward(x.getChannels());
    }

    @Override
    public MemoryReport getMemoryReport(InputType... inputTypes) {
        return memoryReport(inputTypes[0], getOutputType(-1, inputTypes), 0, 0);
    }
}
