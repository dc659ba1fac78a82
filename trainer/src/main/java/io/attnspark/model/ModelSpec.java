package io.attnspark.model;

import java.util.Collections;
import java.util.Map;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * What network to build: a backbone, its size and an optional attention module, and where the module goes.
 *
 * @param backbone         e.g. {@code resnet18}, {@code resnet50}, {@code resnext50_32x4d}, {@code mobilenet_v2}
 * @param width            channel width multiplier (1.0 = the published network)
 * @param numClasses       size of the classifier
 * @param imageSize        input height and width in pixels
 * @param smallStem        a stride-1 stem for inputs of 64 px or less (see the backbone); otherwise the ImageNet stem
 * @param attention        registry name of the attention module, or {@code none}
 * @param attentionOptions the module's hyperparameters by name; absent ones take the module's defaults
 * @param position         where the module sits in a residual block; {@code null} means {@link AttentionPosition#STANDARD}
 * @param stages           the 1-based residual stages (1..4) that get the module; {@code null} means
 *                         {@link #ALL_STAGES}. Kept sorted.
 */
public record ModelSpec(String backbone, double width, int numClasses, int imageSize, boolean smallStem,
                        String attention, Map<String, Object> attentionOptions, AttentionPosition position,
                        SortedSet<Integer> stages) {

    public static final String NONE = "none";
    public static final String INPUT = "input";
    public static final String OUTPUT = "output";
    /** The four stages of a ResNet ({@code layer1..layer4}). */
    public static final SortedSet<Integer> ALL_STAGES = Collections.unmodifiableSortedSet(new TreeSet<>(Set.of(1, 2, 3, 4)));

    public ModelSpec {
        attentionOptions = attentionOptions == null ? Map.of() : Map.copyOf(attentionOptions);
        position = position == null ? AttentionPosition.STANDARD : position;
        stages = stages == null ? ALL_STAGES : Collections.unmodifiableSortedSet(new TreeSet<>(stages));
    }

    /** The module, if any, at the standard position in every stage. */
    public ModelSpec(String backbone, double width, int numClasses, int imageSize, boolean smallStem,
                     String attention, Map<String, Object> attentionOptions) {
        this(backbone, width, numClasses, imageSize, smallStem, attention, attentionOptions,
                AttentionPosition.STANDARD, ALL_STAGES);
    }

    public boolean hasAttention() {
        return !NONE.equals(attention);
    }

    /** Whether residual stage {@code stage} (1-based) gets the attention module. */
    public boolean attends(int stage) {
        return hasAttention() && stages.contains(stage);
    }

    /** This spec with another attention module (or {@code none}) at the same position and stages. */
    public ModelSpec withAttention(String newAttention, Map<String, Object> newOptions) {
        return new ModelSpec(backbone, width, numClasses, imageSize, smallStem, newAttention, newOptions, position, stages);
    }
}
