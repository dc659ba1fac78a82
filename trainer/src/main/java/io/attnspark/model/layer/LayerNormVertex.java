package io.attnspark.model.layer;

import java.util.Arrays;

import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.inputs.InvalidInputTypeException;
import org.deeplearning4j.nn.conf.memory.MemoryReport;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.shade.jackson.annotation.JsonProperty;

/**
 * Configuration of layer normalization without the affine part: {@code (x - mean) / sqrt(var + eps)} over the F
 * features of each example of a feed-forward [N,F] activation, with the biased variance, like torch's
 * {@code nn.LayerNorm}. Follow it with an {@code ElementWiseMultiplicationLayer} for torch's elementwise affine.
 * DL4J's own layer norm ({@code DenseLayer.hasLayerNorm}) normalizes before adding the dense bias, so it cannot hold
 * torch's {@code LayerNorm(conv(x) + bias)}.
 */
public class LayerNormVertex extends ParameterFreeVertex {

    /** torch's {@code nn.LayerNorm} default */
    public static final double TORCH_EPS = 1e-5;

    private final double eps;

    public LayerNormVertex(@JsonProperty("eps") double eps) {
        if (!(eps > 0)) {
            throw new IllegalArgumentException("layer norm: eps must be positive, got " + eps);
        }
        this.eps = eps;
    }

    public double getEps() {
        return eps;
    }

    @Override
    public LayerNormVertex clone() {
        return new LayerNormVertex(eps);
    }

    @Override
    public boolean equals(Object o) {
        return o != null && o.getClass() == LayerNormVertex.class && ((LayerNormVertex) o).eps == eps;
    }

    @Override
    public int hashCode() {
        return Double.hashCode(eps);
    }

    @Override
    protected int inputCount() {
        return 1;
    }

    @Override
    public org.deeplearning4j.nn.graph.vertex.GraphVertex instantiate(ComputationGraph graph, String name, int idx,
            INDArray paramsView, boolean initializeParams, DataType networkDatatype) {
        return new LayerNormVertexImpl(graph, name, idx, networkDatatype, eps);
    }

    @Override
    public InputType getOutputType(int layerIndex, InputType... vertexInputs) throws InvalidInputTypeException {
        if (vertexInputs.length != 1 || vertexInputs[0].getType() != InputType.Type.FF) {
            throw new InvalidInputTypeException("layer norm: the input must be one feed-forward [N,F] activation; got "
                    + Arrays.toString(vertexInputs));
        }
        return vertexInputs[0];
    }

    @Override
    public MemoryReport getMemoryReport(InputType... inputTypes) {
        long features = inputTypes[0].arrayElementsPerExample();
        return memoryReport(inputTypes[0], inputTypes[0], 2, features + 2);
    }

    @Override
    public String toString() {
        return "LayerNormVertex(eps=" + eps + ")";
    }
}
