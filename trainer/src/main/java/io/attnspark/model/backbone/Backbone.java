package io.attnspark.model.backbone;

import io.attnspark.model.ModelSpec;
import io.attnspark.model.Placement;
import io.attnspark.model.attention.AttentionModule;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration.GraphBuilder;

/**
 * A CNN family that can add itself, from the input image to the class scores, to a graph being built.
 * Layer and vertex names follow the PyTorch reference implementation's module names (see {@link ResNet}),
 * so that reference weights can be imported by name.
 */
public interface Backbone {

    /** The name used in {@link ModelSpec#backbone()}, e.g. {@code resnet50}. */
    String name();

    /** The smallest input side in pixels for which every stage still sees at least a 1x1 map without padding. */
    int minImageSize(boolean smallStem);

    /**
     * Where the papers put {@code module} in this backbone, used when a {@link ModelSpec} names no position or stages.
     *
     * @throws IllegalArgumentException when the backbone has no place for the module
     */
    Placement defaultPlacement(AttentionModule module);

    /**
     * Adds the stem, the stages and the classifier on top of {@code input}.
     *
     * @param attention inserted into every block; an identity module adds nothing
     * @return the name of the vertex that emits the {@code spec.numClasses()} unnormalized class scores
     */
    String addLogits(GraphBuilder graph, String input, ModelSpec spec, AttentionModule attention);
}
