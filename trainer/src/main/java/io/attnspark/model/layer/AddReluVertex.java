package io.attnspark.model.layer;

import java.util.Arrays;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.inputs.InvalidInputTypeException;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Configuration of a residual block's end, {@code relu(branch + shortcut)}, in one vertex. DL4J's
 * {@code ElementWiseVertex} copies its first input before adding and copies the gradient once per input, and its
 * {@code ActivationLayer} copies again and takes the ReLU's gradient with libnd4j's slow {@code relu_bp}; here the sum
 * is written once, the ReLU runs on it in place (so the sum is not kept beside the output for backward), and the
 * gradient is a step mask, a multiply and one copy. Inputs: two activations of the same type; the output has it.
 * No fields, so its JSON is its class name.
 */
public class AddReluVertex extends ParameterFreeVertex {

    @Override
    protected int inputCount() {
        return 2;
    }

    @Override
    public org.deeplearning4j.nn.graph.vertex.GraphVertex instantiate(ComputationGraph graph, String name, int idx,
            INDArray paramsView, boolean initializeParams, DataType networkDatatype) {
        return new AddReluVertexImpl(graph, name, idx, networkDatatype);
    }

    @Override
    public InputType getOutputType(int layerIndex, InputType... vertexInputs) {
        if (vertexInputs.length != 2 || !vertexInputs[0].equals(vertexInputs[1])) {
            throw new InvalidInputTypeException("add + relu: the two inputs must have the same type, got "
                    + Arrays.toString(vertexInputs));
        }
        return vertexInputs[0];
    }
}
