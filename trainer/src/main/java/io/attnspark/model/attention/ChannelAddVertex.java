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
 * Configuration of {@code out[n,c,h,w] = x[n,c,h,w] + term[n,c]}: the "channel add" fusion of GCNet and the simplified
 * non-local block, a broadcast that no built-in DL4J vertex does with a gradient for both inputs.
 * Inputs, in order: {@code x} (NCHW convolutional) and the term: any activation with exactly C values per example,
 * read in row-major order (feed-forward [N,C] or convolutional [N,C,1,1]).
 * It has no fields, so its JSON is just its class name.
 */
public class ChannelAddVertex extends GraphVertex {

    @Override
    public ChannelAddVertex clone() {
        return new ChannelAddVertex();
    }

    @Override
    public boolean equals(Object o) {
        return o != null && o.getClass() == ChannelAddVertex.class;
    }

    @Override
    public int hashCode() {
        return ChannelAddVertex.class.getName().hashCode();
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
        return new ChannelAddVertexImpl(graph, name, idx, networkDatatype);
    }

    @Override
    public InputType getOutputType(int layerIndex, InputType... vertexInputs) throws InvalidInputTypeException {
        if (vertexInputs.length != 2 || !(vertexInputs[0] instanceof InputType.InputTypeConvolutional x)
                || x.getFormat() != CNN2DFormat.NCHW) {
            throw new InvalidInputTypeException("channel add: the first input must be an NCHW convolutional activation, got "
                    + Arrays.toString(vertexInputs));
        }
        InputType term = vertexInputs[1];
        if (term.arrayElementsPerExample() != x.getChannels()) {
            throw new InvalidInputTypeException("channel add: the term must hold one value per channel ("
                    + x.getChannels() + ") per example; got " + term);
        }
        return x;
    }

    @Override
    public MemoryReport getMemoryReport(InputType... inputTypes) {
        // no working memory beyond the output activations
        return new LayerMemoryReport.Builder(null, ChannelAddVertex.class, inputTypes[0], inputTypes[0])
                .standardMemory(0, 0).workingMemory(0, 0, 0, 0).cacheMemory(0, 0).build();
    }

    @Override
    public String toString() {
        return "ChannelAddVertex()";
    }
}
