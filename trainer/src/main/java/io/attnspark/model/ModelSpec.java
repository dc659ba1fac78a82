package io.attnspark.model;

import java.util.Map;

/**
 * What network to build: a backbone, its size and an optional attention module.
 *
 * @param backbone         e.g. {@code resnet18}, {@code resnet50}
 * @param width            channel width multiplier (1.0 = the published network)
 * @param numClasses       size of the classifier
 * @param imageSize        input height and width in pixels
 * @param smallStem        3x3/1 stem without max-pool, for inputs of 64 px or less; otherwise the 7x7/2 + max-pool stem
 * @param attention        registry name of the attention module, or {@code none}
 * @param attentionOptions the module's hyperparameters by name; absent ones take the module's defaults
 */
public record ModelSpec(String backbone, double width, int numClasses, int imageSize, boolean smallStem,
                        String attention, Map<String, Object> attentionOptions) {

    public static final String NONE = "none";
    public static final String INPUT = "input";
    public static final String OUTPUT = "output";

    public ModelSpec {
        attentionOptions = attentionOptions == null ? Map.of() : Map.copyOf(attentionOptions);
    }

    public boolean hasAttention() {
        return !NONE.equals(attention);
    }
}
