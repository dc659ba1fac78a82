package io.attnspark.model.layer;

import java.util.Arrays;

import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.inputs.InvalidInputTypeException;
import org.deeplearning4j.nn.conf.memory.MemoryReport;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.shade.jackson.annotation.JsonProperty;

/**
 * Configuration of split attention's sum over the radix: x [N, R·C, H, W] → {@code Σ_r x[:, r·C:(r+1)·C]}
 * [N, C, H, W] (torch's {@code x.reshape(N, R, C, H, W).sum(1)}). DL4J's SubsetVertex cannot cut channel ranges of
 * NCHW activations (its output type is wrong for them). Runtime: {@link RadixSumVertexImpl}.
 */
public class RadixSumVertex extends ParameterFreeVertex {

    private final int radix;

    public RadixSumVertex(@JsonProperty("radix") int radix) {
        if (radix < 1) {
            throw new IllegalArgumentException("radix sum: radix must be at least 1, got " + radix);
        }
        this.radix = radix;
    }

    public int getRadix() {
        return radix;
    }

    @Override
    public RadixSumVertex clone() {
        return new RadixSumVertex(radix);
    }

    @Override
    public boolean equals(Object o) {
        return o != null && o.getClass() == RadixSumVertex.class && ((RadixSumVertex) o).radix == radix;
    }

    @Override
    public int hashCode() {
        return radix;
    }

    @Override
    public String toString() {
        return "RadixSumVertex(radix=" + radix + ")";
    }

    @Override
    protected int inputCount() {
        return 1;
    }

    @Override
    public org.deeplearning4j.nn.graph.vertex.GraphVertex instantiate(ComputationGraph graph, String name, int idx,
            INDArray paramsView, boolean initializeParams, DataType networkDatatype) {
        return new RadixSumVertexImpl(graph, name, idx, networkDatatype, radix);
    }

    @Override
    public InputType getOutputType(int layerIndex, InputType... vertexInputs) throws InvalidInputTypeException {
        if (vertexInputs.length != 1 || !(vertexInputs[0] instanceof InputType.InputTypeConvolutional x)
                || x.getFormat() != CNN2DFormat.NCHW || x.getChannels() % radix != 0) {
            throw new InvalidInputTypeException("radix sum: the input must be one NCHW activation whose channels are a"
                    + " multiple of the radix " + radix + "; got " + Arrays.toString(vertexInputs));
        }
        return InputType.convolutional(x.getHeight(), x.getWidth(), x.getChannels() / radix);
    }

    @Override
    public MemoryReport getMemoryReport(InputType... inputTypes) {
        return memoryReport(inputTypes[0], getOutputType(-1, inputTypes), 0, 0);
    }
}
