package io.attnspark.model.layer;

import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.inputs.InvalidInputTypeException;
import org.deeplearning4j.nn.conf.memory.MemoryReport;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.shade.jackson.annotation.JsonProperty;

/**
 * Configuration of the b×b phases of an NCHW map stacked along the batch axis: [N,C,H,W] → [b²·N,C,⌈H/b⌉,⌈W/b⌉]
 * ({@link SpaceBatch}), the first half of {@link DilatedConvolution}. {@link BatchToSpaceVertex} undoes it.
 * Runtime: {@link SpaceToBatchVertexImpl}.
 */
public class SpaceToBatchVertex extends ParameterFreeVertex {

    private final int block;

    public SpaceToBatchVertex(@JsonProperty("block") int block) {
        if (block < 2) {
            throw new IllegalArgumentException("space to batch: block must be at least 2, got " + block);
        }
        this.block = block;
    }

    public int getBlock() {
        return block;
    }

    @Override
    public SpaceToBatchVertex clone() {
        return new SpaceToBatchVertex(block);
    }

    @Override
    public boolean equals(Object o) {
        return o != null && o.getClass() == SpaceToBatchVertex.class && ((SpaceToBatchVertex) o).block == block;
    }

    @Override
    public int hashCode() {
        return block;
    }

    @Override
    public String toString() {
        return "SpaceToBatchVertex(block=" + block + ")";
    }

    @Override
    protected int inputCount() {
        return 1;
    }

    @Override
    public org.deeplearning4j.nn.graph.vertex.GraphVertex instantiate(ComputationGraph graph, String name, int idx,
            INDArray paramsView, boolean initializeParams, DataType networkDatatype) {
        return new SpaceToBatchVertexImpl(graph, name, idx, networkDatatype, block);
    }

    @Override
    public InputType getOutputType(int layerIndex, InputType... vertexInputs) throws InvalidInputTypeException {
        return SpaceBatch.phaseType(singleNchwInput("space to batch", vertexInputs), block);
    }

    @Override
    public MemoryReport getMemoryReport(InputType... inputTypes) {
        return memoryReport(inputTypes[0], inputTypes[0], 0, 0);
    }
}
