package io.attnspark.model.layer;

import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Configuration of {@code nn.ReLU} where there is no batch norm to fuse it into (after a residual addition).
 * DL4J's {@code ActivationLayer} copies its input before the ReLU and takes its gradient with libnd4j's
 * {@code relu_bp}, which runs several times slower than a step mask and a multiply (ResNet-50: 6% of a training
 * step). One input of any shape; the output has its type. No fields, so its JSON is its class name.
 */
public class ReluVertex extends ParameterFreeVertex {

    @Override
    protected int inputCount() {
        return 1;
    }

    @Override
    public org.deeplearning4j.nn.graph.vertex.GraphVertex instantiate(ComputationGraph graph, String name, int idx,
            INDArray paramsView, boolean initializeParams, DataType networkDatatype) {
        return new ReluVertexImpl(graph, name, idx, networkDatatype);
    }

    @Override
    public InputType getOutputType(int layerIndex, InputType... vertexInputs) {
        return vertexInputs[0];
    }
}
