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
 * Configuration of split attention's rSoftMax and weighted sum (timm's {@code RadixSoftmax} and the end of
 * {@code SplitAttn.forward}): {@code out[n,c] = Σ_r a[n,r,c] · x[n, r·C + c]}. Inputs, in order: the logits, R·C values
 * per example (fc2's output, e.g. [N, R·C, 1, 1]) in torch's channel order [K, R, C/K] for K cardinal groups; then the
 * branches x [N, R·C, H, W] (NCHW). The attention {@code a} is the softmax over the radix r of the logits, per cardinal
 * group and channel; with radix 1 it is their sigmoid. Output [N, C, H, W]. Runtime: {@link RadixSelectVertexImpl}.
 */
public class RadixSelectVertex extends ParameterFreeVertex {

    private final int radix;
    private final int cardinality;

    public RadixSelectVertex(@JsonProperty("radix") int radix, @JsonProperty("cardinality") int cardinality) {
        if (radix < 1 || cardinality < 1) {
            throw new IllegalArgumentException("radix select: radix and cardinality must be at least 1, got radix "
                    + radix + " and cardinality " + cardinality);
        }
        this.radix = radix;
        this.cardinality = cardinality;
    }

    public int getRadix() {
        return radix;
    }

    public int getCardinality() {
        return cardinality;
    }

    @Override
    public RadixSelectVertex clone() {
        return new RadixSelectVertex(radix, cardinality);
    }

    @Override
    public boolean equals(Object o) {
        return o != null && o.getClass() == RadixSelectVertex.class && ((RadixSelectVertex) o).radix == radix
                && ((RadixSelectVertex) o).cardinality == cardinality;
    }

    @Override
    public int hashCode() {
        return 31 * radix + cardinality;
    }

    @Override
    public String toString() {
        return "RadixSelectVertex(radix=" + radix + ", cardinality=" + cardinality + ")";
    }

    /** The logits and the branches. */
    @Override
    protected int inputCount() {
        return 2;
    }

    @Override
    public org.deeplearning4j.nn.graph.vertex.GraphVertex instantiate(ComputationGraph graph, String name, int idx,
            INDArray paramsView, boolean initializeParams, DataType networkDatatype) {
        return new RadixSelectVertexImpl(graph, name, idx, networkDatatype, radix, cardinality);
    }

    @Override
    public InputType getOutputType(int layerIndex, InputType... vertexInputs) throws InvalidInputTypeException {
        if (vertexInputs.length != 2 || !(vertexInputs[1] instanceof InputType.InputTypeConvolutional x)
                || x.getFormat() != CNN2DFormat.NCHW) {
            throw new InvalidInputTypeException("radix select: inputs must be the logits and the NCHW branches, got "
                    + Arrays.toString(vertexInputs));
        }
        if (x.getChannels() % ((long) radix * cardinality) != 0) {
            throw new InvalidInputTypeException("radix select: the branches' channels (" + x.getChannels()
                    + ") must be a multiple of radix x cardinality (" + radix + " x " + cardinality + ")");
        }
        if (vertexInputs[0].arrayElementsPerExample() != x.getChannels()) {
            throw new InvalidInputTypeException("radix select: the logits must hold one value per branch channel ("
                    + x.getChannels() + ") per example; got " + vertexInputs[0]);
        }
        return InputType.convolutional(x.getHeight(), x.getWidth(), x.getChannels() / radix);
    }

    /** The [N, R, C] attention and branch sums are small next to the output. */
    @Override
    public MemoryReport getMemoryReport(InputType... inputTypes) {
        return memoryReport(inputTypes[1], getOutputType(-1, inputTypes), 0, 0);
    }
}
