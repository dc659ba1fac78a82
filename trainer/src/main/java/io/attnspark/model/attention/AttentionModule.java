package io.attnspark.model.attention;

import org.deeplearning4j.nn.conf.ComputationGraphConfiguration.GraphBuilder;

/**
 * A configured attention module (one implementation per file, configs are immutable records).
 * It adds its layers and vertices to a graph that is being built, so heavy convolutions stay built-in DL4J layers.
 */
public interface AttentionModule {

    /** The registry name, e.g. {@code se}. */
    String name();

    /**
     * Adds the module on top of {@code input}, an NCHW activation with {@code channels} channels.
     * Every vertex it adds is named {@code prefix + "_" + part}.
     *
     * @return the name of the vertex whose output replaces {@code input}
     * @throws IllegalArgumentException when the module cannot work at this channel count
     */
    String attach(GraphBuilder graph, String prefix, String input, int channels);
}
