package io.attnspark.model.backbone;

import io.attnspark.model.PlacedAttention;
import io.attnspark.model.Placement;
import io.attnspark.model.attention.AttentionModule;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration.GraphBuilder;

/**
 * A CNN family that can add itself, from the input image to the class scores, to a graph being built.
 * Layer and vertex names follow the PyTorch reference implementation's module names (see {@link ResNet}),
 * so that reference weights can be imported by name.
 */
public interface Backbone {

    /** The name configs use, e.g. {@code resnet50}. */
    String name();

    /** The smallest input side in pixels for which every stage still sees at least a 1x1 map without padding. */
    int minImageSize(boolean smallStem);

    /**
     * Where the papers put {@code module} ({@link AttentionModule#placementRole}) in this backbone, used when a
     * configuration names no position or stages.
     *
     * @throws IllegalArgumentException when the backbone has no place for the module
     */
    Placement defaultPlacement(AttentionModule module);

    /**
     * Checks, before anything is built, that this backbone has a place for {@code attention} at its placement.
     *
     * @throws IllegalArgumentException naming the placement and what to use instead
     */
    void checkPlacement(PlacedAttention attention);

    /**
     * Adds the stem, the stages and the classifier on top of {@code input}, the network's image input: the stem's
     * conv computes no gradient for it.
     *
     * @param width      channel width multiplier
     * @param smallStem  the stride-1 stem for small inputs
     * @param numClasses the classifier's outputs
     * @param attention  inserted where its placement says, already {@link #checkPlacement checked}
     * @return the name of the vertex that emits the {@code numClasses} unnormalized class scores
     */
    String addLogits(GraphBuilder graph, String input, double width, boolean smallStem, int numClasses,
                     PlacedAttention attention);
}
