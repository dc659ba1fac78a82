package io.attnspark.model;

import io.attnspark.model.backbone.Backbone;
import org.deeplearning4j.nn.conf.inputs.InputType;

/**
 * A network to build, resolved and validated once from a {@link ModelSpec} ({@link ModelSpec#resolve}): the backbone,
 * the attention module instance and its placement, and the sizes. Everything that builds, counts or trains a network
 * takes this, so no one downstream turns a name into a module again.
 *
 * @param backbone   the CNN family
 * @param width      channel width multiplier (1.0 = the published network), positive and finite
 * @param numClasses size of the classifier, at least 2
 * @param imageSize  input height and width in pixels, at least the backbone's minimum
 * @param smallStem  a stride-1 stem for small inputs
 * @param attention  the module and where it goes; a module that adds nothing for attention {@code none}
 */
public record ResolvedModel(Backbone backbone, double width, int numClasses, int imageSize, boolean smallStem,
                            PlacedAttention attention) {

    /** The registry name of the module, or {@value PlacedAttention#NO_ATTENTION}. */
    public String attentionName() {
        return attention.module().name();
    }

    /** NCHW RGB images of {@link #imageSize} squared. */
    public InputType inputType() {
        return InputType.convolutional(imageSize, imageSize, 3);
    }
}
