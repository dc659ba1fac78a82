package io.attnspark.model.attention;

import java.util.List;
import java.util.Optional;

import org.deeplearning4j.nn.conf.ComputationGraphConfiguration.GraphBuilder;
import org.deeplearning4j.nn.graph.ComputationGraph;

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

    /**
     * Where each tensor of the PyTorch module's {@code state_dict} goes in the vertices that
     * {@link #attach attach(graph, prefix, input, channels)} adds. Torch keys are relative to the module
     * (e.g. {@code excitation.0.weight}); prepend the module's path in a larger network with
     * {@link TorchParam#withTorchPrefix}. Load with {@link TorchStateDict#load}.
     */
    List<TorchParam> torchParams(String prefix, int channels);

    /**
     * The attention weights the module at {@code prefix} applies, as vertices of the graph that
     * {@link #attach attach(graph, prefix, input, channels)} built, for tools that show them (attnspark explain).
     * Empty (the default) when the module has no weights that read as a per-channel gate or a map over positions.
     */
    default List<AttentionMap> attentionMaps(String prefix) {
        return List.of();
    }

    /** Where the papers put the module; backbones turn it into a position and stages. Every block by default. */
    default PlacementRole placementRole() {
        return PlacementRole.EVERY_BLOCK;
    }

    /**
     * Called by the trainer before each epoch (0-based) of a network that holds this module, for settings that follow
     * a schedule. Nothing by default.
     */
    default void startEpoch(ComputationGraph network, int epoch) {
    }

    /**
     * When {@link #attentionMaps} depends on the options, which options give maps (for error messages of tools that
     * show them, e.g. "with pooling att or fusion mul"). Empty (the default) when the maps do not depend on them.
     */
    default Optional<String> attentionMapsRemark() {
        return Optional.empty();
    }
}
