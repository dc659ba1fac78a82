package io.attnspark.model.attention;

import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration.GraphBuilder;
import org.deeplearning4j.nn.conf.inputs.InputType;

/**
 * The spatial size of an activation in a graph that is being built, for modules whose layers depend on it
 * (a gather-excite extent must fit the map; GE-θ's global gather is a depthwise conv as large as the map).
 * {@link AttentionModule#attach} gets only the channel count, so the size comes from the graph's input types.
 */
final class FeatureMapSize {

    private FeatureMapSize() { }

    /**
     * @return {height, width} of {@code vertex}'s output
     * @throws IllegalArgumentException when the graph has no input types or {@code vertex} is not an NCHW activation
     */
    static long[] of(GraphBuilder graph, String vertex, String module) {
        if (graph.getNetworkInputTypes() == null || graph.getNetworkInputTypes().isEmpty()) {
            throw new IllegalArgumentException(module + ": needs the spatial size of '" + vertex + "'; set the graph's"
                    + " input types with GraphBuilder.setInputTypes(...) before attaching the module");
        }
        InputType type = graph.getLayerActivationTypes().get(vertex);
        if (!(type instanceof InputType.InputTypeConvolutional map) || map.getFormat() != CNN2DFormat.NCHW) {
            throw new IllegalArgumentException(module + ": '" + vertex + "' must be an NCHW convolutional activation, got " + type);
        }
        return new long[] {map.getHeight(), map.getWidth()};
    }
}
