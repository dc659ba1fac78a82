package io.attnspark.model.attention;

import java.util.Arrays;

import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.conf.graph.GraphVertex;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.inputs.InvalidInputTypeException;
import org.deeplearning4j.nn.conf.memory.LayerMemoryReport;
import org.deeplearning4j.nn.conf.memory.MemoryReport;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Configuration of the outer product {@code out[n,c,h,w] = a[n,c] · s[n,0,h,w]} of a channel vector and a
 * one-channel spatial map: BAM's {@code a_c · A_s} before its sigmoid. Inputs, in order: {@code a} (any activation
 * with C values per example, e.g. feed-forward [N,C]) and {@code s} (NCHW convolutional [N,1,H,W]); the output is
 * convolutional [N,C,H,W]. No built-in vertex broadcasts two inputs against each other with gradients for both.
 * No fields, so its JSON is its class name. Runtime: {@link ChannelSpatialProductVertexImpl}.
 */
public class ChannelSpatialProductVertex extends GraphVertex {

    @Override
    public ChannelSpatialProductVertex clone() {
        return new ChannelSpatialProductVertex();
    }

    @Override
    public boolean equals(Object o) {
        return o != null && o.getClass() == ChannelSpatialProductVertex.class;
    }

    @Override
    public int hashCode() {
        return ChannelSpatialProductVertex.class.getName().hashCode();
    }

    @Override
    public long numParams(boolean backprop) {
        return 0;
    }

    @Override
    public int minVertexInputs() {
        return 2;
    }

    @Override
    public int maxVertexInputs() {
        return 2;
    }

    @Override
    public org.deeplearning4j.nn.graph.vertex.GraphVertex instantiate(ComputationGraph graph, String name, int idx,
            INDArray paramsView, boolean initializeParams, DataType networkDatatype) {
        return new ChannelSpatialProductVertexImpl(graph, name, idx, networkDatatype);
    }

    @Override
    public InputType getOutputType(int layerIndex, InputType... vertexInputs) throws InvalidInputTypeException {
        if (vertexInputs.length != 2 || !(vertexInputs[1] instanceof InputType.InputTypeConvolutional s)
                || s.getFormat() != CNN2DFormat.NCHW || s.getChannels() != 1) {
            throw new InvalidInputTypeException("channel-spatial product: the second input must be a one-channel NCHW"
                    + " convolutional map [N,1,H,W], got " + Arrays.toString(vertexInputs));
        }
        return InputType.convolutional(s.getHeight(), s.getWidth(), vertexInputs[0].arrayElementsPerExample());
    }

    @Override
    public MemoryReport getMemoryReport(InputType... inputTypes) {
        InputType output = getOutputType(-1, inputTypes);
        // backward holds one product of the output's size
        return new LayerMemoryReport.Builder(null, ChannelSpatialProductVertex.class, inputTypes[0], output)
                .standardMemory(0, 0).workingMemory(0, 0, 0, output.arrayElementsPerExample()).cacheMemory(0, 0).build();
    }

    @Override
    public String toString() {
        return "ChannelSpatialProductVertex()";
    }
}
