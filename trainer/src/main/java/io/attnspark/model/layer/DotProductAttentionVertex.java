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
 * Configuration of multi-head dot-product attention over the H*W spatial positions (tokens) of NCHW activations:
 * per head h, {@code out_h = softmax(scale · Q_h K_hᵀ) V_h}, the softmax over the key positions.
 * Inputs, in order: queries Q and keys K (NCHW, the same channel count), values V (NCHW); all of the same H×W.
 * Or one packed NCHW input of 3C channels holding Q, K, V in its channel ranges [0,C), [C,2C), [2C,3C), as one 1×1
 * convolution C→3C makes them (DL4J's SubsetVertex cannot split channels: its output type is wrong for NCHW inputs).
 * Head h takes channels {@code [h·d, (h+1)·d)} of each input, and its output goes to the same channels of the
 * [N, C_v, H, W] output: the layout of torch's {@code reshape(N, tokens, heads, d)} on channels-last tokens.
 * The embedded-Gaussian non-local block is the case of one head and scale 1.
 *
 * @see DotProductAttentionVertexImpl for the forward and backward formulas
 */
public class DotProductAttentionVertex extends ParameterFreeVertex {

    private final int heads;
    private final double scale;

    public DotProductAttentionVertex(@JsonProperty("heads") int heads, @JsonProperty("scale") double scale) {
        if (heads < 1) {
            throw new IllegalArgumentException("dot-product attention: heads must be at least 1, got " + heads);
        }
        if (!(scale > 0) || Double.isInfinite(scale)) {
            throw new IllegalArgumentException("dot-product attention: scale must be positive and finite, got " + scale);
        }
        this.heads = heads;
        this.scale = scale;
    }

    public int getHeads() {
        return heads;
    }

    public double getScale() {
        return scale;
    }

    @Override
    public DotProductAttentionVertex clone() {
        return new DotProductAttentionVertex(heads, scale);
    }

    @Override
    public boolean equals(Object o) {
        return o != null && o.getClass() == DotProductAttentionVertex.class
                && ((DotProductAttentionVertex) o).heads == heads && ((DotProductAttentionVertex) o).scale == scale;
    }

    @Override
    public int hashCode() {
        return 31 * heads + Double.hashCode(scale);
    }

    /** Queries, keys and values */
    @Override
    protected int inputCount() {
        return 3;
    }

    /** or one packed input of all three */
    @Override
    public int minVertexInputs() {
        return 1;
    }

    @Override
    public org.deeplearning4j.nn.graph.vertex.GraphVertex instantiate(ComputationGraph graph, String name, int idx,
            INDArray paramsView, boolean initializeParams, DataType networkDatatype) {
        return new DotProductAttentionVertexImpl(graph, name, idx, networkDatatype, heads, scale);
    }

    @Override
    public InputType getOutputType(int layerIndex, InputType... vertexInputs) throws InvalidInputTypeException {
        if (vertexInputs.length != 1 && vertexInputs.length != 3 || Arrays.stream(vertexInputs).anyMatch(type ->
                !(type instanceof InputType.InputTypeConvolutional conv) || conv.getFormat() != CNN2DFormat.NCHW)) {
            throw new InvalidInputTypeException("dot-product attention: inputs must be queries, keys and values, or one"
                    + " packed input of all three, as NCHW convolutional activations; got " + Arrays.toString(vertexInputs));
        }
        InputType.InputTypeConvolutional[] qkv = queriesKeysValues(vertexInputs);
        var q = qkv[0];
        var k = qkv[1];
        var v = qkv[2];
        for (var other : new InputType.InputTypeConvolutional[] {k, v}) {
            if (other.getHeight() != q.getHeight() || other.getWidth() != q.getWidth()) {
                throw new InvalidInputTypeException("dot-product attention: queries, keys and values must have the same"
                        + " H×W; got " + Arrays.toString(vertexInputs));
            }
        }
        if (k.getChannels() != q.getChannels()) {
            throw new InvalidInputTypeException("dot-product attention: queries and keys must have the same channel count;"
                    + " got " + q.getChannels() + " and " + k.getChannels());
        }
        if (q.getChannels() % heads != 0 || v.getChannels() % heads != 0) {
            throw new InvalidInputTypeException("dot-product attention: " + heads + " heads must divide the query/key ("
                    + q.getChannels() + ") and value (" + v.getChannels() + ") channel counts");
        }
        return v;
    }

    private static InputType.InputTypeConvolutional[] queriesKeysValues(InputType... vertexInputs) {
        if (vertexInputs.length == 3) {
            return Arrays.stream(vertexInputs).map(InputType.InputTypeConvolutional.class::cast)
                    .toArray(InputType.InputTypeConvolutional[]::new);
        }
        var packed = (InputType.InputTypeConvolutional) vertexInputs[0];
        if (packed.getChannels() % 3 != 0) {
            throw new InvalidInputTypeException("dot-product attention: a packed input needs 3·C channels (Q, K, V); got "
                    + packed.getChannels());
        }
        var part = (InputType.InputTypeConvolutional) InputType.convolutional(packed.getHeight(), packed.getWidth(),
                packed.getChannels() / 3);
        return new InputType.InputTypeConvolutional[] {part, part, part};
    }

    @Override
    public MemoryReport getMemoryReport(InputType... inputTypes) {
        InputType out = getOutputType(-1, inputTypes);
        var q = queriesKeysValues(inputTypes)[0];
        long positions = q.getHeight() * q.getWidth();
        // the attention matrix per head, and in backward also its gradient
        long attention = heads * positions * positions;
        return memoryReport(inputTypes[0], out, attention, 3 * attention);
    }

    @Override
    public String toString() {
        return "DotProductAttentionVertex(heads=" + heads + ", scale=" + scale + ")";
    }
}
