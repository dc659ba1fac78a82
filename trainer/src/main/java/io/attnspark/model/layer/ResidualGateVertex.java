package io.attnspark.model.layer;

import java.util.Arrays;

import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.inputs.InvalidInputTypeException;
import org.deeplearning4j.nn.conf.memory.MemoryReport;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Configuration of BAM's refinement {@code out = x + x · sigmoid(z)} (the paper's F + F ⊗ M(F)) as one vertex, where
 * DL4J's sigmoid layer and product and sum vertices copied the map in both passes. Inputs, in order: {@code x} and the
 * attention logits {@code z}, of one shape; the output has it too. No fields, so its JSON is its class name.
 * Runtime: {@link ResidualGateVertexImpl}.
 */
public class ResidualGateVertex extends ParameterFreeVertex {

    @Override
    protected int inputCount() {
        return 2;
    }

    @Override
    public org.deeplearning4j.nn.graph.vertex.GraphVertex instantiate(ComputationGraph graph, String name, int idx,
            INDArray paramsView, boolean initializeParams, DataType networkDatatype) {
        return new ResidualGateVertexImpl(graph, name, idx, networkDatatype);
    }

    @Override
    public InputType getOutputType(int layerIndex, InputType... vertexInputs) throws InvalidInputTypeException {
        if (vertexInputs.length != 2 || !vertexInputs[0].equals(vertexInputs[1])) {
            throw new InvalidInputTypeException("residual gate: x and the logits must have one shape, got "
                    + Arrays.toString(vertexInputs));
        }
        return vertexInputs[0];
    }

    @Override
    public MemoryReport getMemoryReport(InputType... inputTypes) {
        // each pass holds the sigmoid of the logits
        return memoryReport(inputTypes[0], inputTypes[0], inputTypes[0].arrayElementsPerExample(),
                inputTypes[0].arrayElementsPerExample());
    }
}
