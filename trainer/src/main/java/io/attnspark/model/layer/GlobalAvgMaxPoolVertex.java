package io.attnspark.model.layer;


import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.inputs.InvalidInputTypeException;
import org.deeplearning4j.nn.conf.memory.MemoryReport;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Configuration of global average and max pooling side by side: x [N,C,H,W] → [N,C,1,2], width 0 the mean and
 * width 1 the max over H×W. 1×1 convolutions on this map apply one MLP to both descriptors with shared weights, as
 * CBAM's channel attention does. No fields, so its JSON is its class name. Runtime: {@link AvgMaxPoolVertexImpl}.
 */
public class GlobalAvgMaxPoolVertex extends ParameterFreeVertex {

    @Override
    protected int inputCount() {
        return 1;
    }

    @Override
    public org.deeplearning4j.nn.graph.vertex.GraphVertex instantiate(ComputationGraph graph, String name, int idx,
            INDArray paramsView, boolean initializeParams, DataType networkDatatype) {
        return new AvgMaxPoolVertexImpl(graph, name, idx, networkDatatype, false);
    }

    @Override
    public InputType getOutputType(int layerIndex, InputType... vertexInputs) throws InvalidInputTypeException {
        InputType.InputTypeConvolutional x = singleNchwInput("global avg/max pool", vertexInputs);
        return InputType.convolutional(1, 2, x.getChannels());
    }

    @Override
    public MemoryReport getMemoryReport(InputType... inputTypes) {
        return memoryReport(inputTypes[0], getOutputType(-1, inputTypes), 0, 0);
    }
}
