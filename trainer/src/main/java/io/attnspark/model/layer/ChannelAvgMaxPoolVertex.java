package io.attnspark.model.layer;


import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.inputs.InvalidInputTypeException;
import org.deeplearning4j.nn.conf.memory.MemoryReport;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Configuration of {@code [mean over c; max over c]}: x [N,C,H,W] → [N,2,H,W], channel 0 the mean and channel 1 the
 * max over the channels at each position (CBAM's spatial-attention descriptor, in the seed's order). DL4J's pooling
 * layers only pool over spatial axes. No fields, so its JSON is its class name. Runtime: {@link AvgMaxPoolVertexImpl}.
 */
public class ChannelAvgMaxPoolVertex extends ParameterFreeVertex {

    @Override
    protected int inputCount() {
        return 1;
    }

    @Override
    public org.deeplearning4j.nn.graph.vertex.GraphVertex instantiate(ComputationGraph graph, String name, int idx,
            INDArray paramsView, boolean initializeParams, DataType networkDatatype) {
        return new AvgMaxPoolVertexImpl(graph, name, idx, networkDatatype, true);
    }

    @Override
    public InputType getOutputType(int layerIndex, InputType... vertexInputs) throws InvalidInputTypeException {
        InputType.InputTypeConvolutional x = singleNchwInput("channel avg/max pool", vertexInputs);
        return InputType.convolutional(x.getHeight(), x.getWidth(), 2);
    }

    @Override
    public MemoryReport getMemoryReport(InputType... inputTypes) {
        return memoryReport(inputTypes[0], getOutputType(-1, inputTypes), 0, 0);
    }
}
