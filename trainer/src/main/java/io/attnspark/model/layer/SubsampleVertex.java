package io.attnspark.model.layer;

import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.inputs.InvalidInputTypeException;
import org.deeplearning4j.nn.conf.memory.MemoryReport;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.shade.jackson.annotation.JsonProperty;

/**
 * Configuration of every s-th row and column of an NCHW map, from the first: [N,C,H,W] → [N,C,⌈H/s⌉,⌈W/s⌉], torch's
 * {@code x[:, :, ::s, ::s]}. A k×k convolution whose stride equals its dilation reads only these positions
 * ({@link DilatedConvolution}). Runtime: {@link SubsampleVertexImpl}.
 */
public class SubsampleVertex extends ParameterFreeVertex {

    private final int step;

    public SubsampleVertex(@JsonProperty("step") int step) {
        if (step < 2) {
            throw new IllegalArgumentException("subsample: step must be at least 2, got " + step);
        }
        this.step = step;
    }

    public int getStep() {
        return step;
    }

    @Override
    public SubsampleVertex clone() {
        return new SubsampleVertex(step);
    }

    @Override
    public boolean equals(Object o) {
        return o != null && o.getClass() == SubsampleVertex.class && ((SubsampleVertex) o).step == step;
    }

    @Override
    public int hashCode() {
        return step;
    }

    @Override
    public String toString() {
        return "SubsampleVertex(step=" + step + ")";
    }

    @Override
    protected int inputCount() {
        return 1;
    }

    @Override
    public org.deeplearning4j.nn.graph.vertex.GraphVertex instantiate(ComputationGraph graph, String name, int idx,
            INDArray paramsView, boolean initializeParams, DataType networkDatatype) {
        return new SubsampleVertexImpl(graph, name, idx, networkDatatype, step);
    }

    @Override
    public InputType getOutputType(int layerIndex, InputType... vertexInputs) throws InvalidInputTypeException {
        return SpaceBatch.phaseType(singleNchwInput("subsample", vertexInputs), step);
    }

    @Override
    public MemoryReport getMemoryReport(InputType... inputTypes) {
        return memoryReport(inputTypes[0], getOutputType(-1, inputTypes), 0, 0);
    }
}
