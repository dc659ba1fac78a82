package io.attnspark.model.layer;

import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.inputs.InvalidInputTypeException;
import org.deeplearning4j.nn.conf.memory.MemoryReport;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.shade.jackson.annotation.JsonProperty;

/**
 * Configuration of the inverse of {@link SpaceToBatchVertex}: stacked phases [b²·N,C,h,w] → the map [N,C,H,W], with
 * the map's own H and W (h = ⌈H/b⌉, so h alone cannot tell them). Runtime: {@link BatchToSpaceVertexImpl}.
 */
public class BatchToSpaceVertex extends ParameterFreeVertex {

    private final int block;
    private final long height;
    private final long width;

    public BatchToSpaceVertex(@JsonProperty("block") int block, @JsonProperty("height") long height,
            @JsonProperty("width") long width) {
        if (block < 2 || height < 1 || width < 1) {
            throw new IllegalArgumentException("batch to space: block must be at least 2 and the map at least 1x1, got"
                    + " block " + block + ", " + height + "x" + width);
        }
        this.block = block;
        this.height = height;
        this.width = width;
    }

    public int getBlock() {
        return block;
    }

    public long getHeight() {
        return height;
    }

    public long getWidth() {
        return width;
    }

    @Override
    public BatchToSpaceVertex clone() {
        return new BatchToSpaceVertex(block, height, width);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof BatchToSpaceVertex other && o.getClass() == BatchToSpaceVertex.class && other.block == block
                && other.height == height && other.width == width;
    }

    @Override
    public int hashCode() {
        return java.util.Objects.hash(block, height, width);
    }

    @Override
    public String toString() {
        return "BatchToSpaceVertex(block=" + block + ", height=" + height + ", width=" + width + ")";
    }

    @Override
    protected int inputCount() {
        return 1;
    }

    @Override
    public org.deeplearning4j.nn.graph.vertex.GraphVertex instantiate(ComputationGraph graph, String name, int idx,
            INDArray paramsView, boolean initializeParams, DataType networkDatatype) {
        return new BatchToSpaceVertexImpl(graph, name, idx, networkDatatype, block, height, width);
    }

    @Override
    public InputType getOutputType(int layerIndex, InputType... vertexInputs) throws InvalidInputTypeException {
        InputType.InputTypeConvolutional phases = singleNchwInput("batch to space", vertexInputs);
        if (phases.getHeight() != SpaceBatch.phaseSize(height, block) || phases.getWidth() != SpaceBatch.phaseSize(width, block)) {
            throw new InvalidInputTypeException("batch to space: phases of " + phases.getHeight() + "x" + phases.getWidth()
                    + " cannot make a " + height + "x" + width + " map with block " + block);
        }
        return InputType.convolutional(height, width, phases.getChannels());
    }

    @Override
    public MemoryReport getMemoryReport(InputType... inputTypes) {
        return memoryReport(inputTypes[0], getOutputType(-1, inputTypes), 0, 0);
    }
}
