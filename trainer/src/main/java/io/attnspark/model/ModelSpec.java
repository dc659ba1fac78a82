package io.attnspark.model;

import io.attnspark.model.attention.AttentionModule;
import io.attnspark.model.attention.AttentionRegistry;
import io.attnspark.model.backbone.Backbone;
import io.attnspark.model.backbone.Backbones;
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
 * @param position         where the module sits; {@code null} means the backbone's default for the module
 *                         ({@link Backbone#defaultPlacement}: the papers' placement)
 * @param stages           the 1-based residual stages (1..4) that get the module; {@code null} means the backbone's
 *                         default for the module. Kept sorted.
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
        if (position == null || stages == null) {
            Placement paper = defaultPlacement(backbone, attention, attentionOptions);
            position = position == null ? paper.position() : position;
            stages = stages == null ? paper.stages() : stages;
        }
        stages = Collections.unmodifiableSortedSet(new TreeSet<>(stages));
    }

    /**
     * Where {@code backbone} puts the module by default. Standard and all stages when that cannot be known here (no
     * module, an unknown backbone or module, bad options): building the network reports those.
     *
     * @throws IllegalArgumentException for a backbone that has no place for the module
     */
    public static Placement defaultPlacement(String backbone, String attention, Map<String, Object> attentionOptions) {
        if (attention == null || !AttentionRegistry.names().contains(attention)) {
            return Placement.STANDARD;
        }
        AttentionModule module;
        try {
            module = AttentionRegistry.create(attention, attentionOptions);
        } catch (IllegalArgumentException badOptions) {
            return Placement.STANDARD;
        }
        return Backbones.find(backbone).map(b -> b.defaultPlacement(module)).orElse(Placement.STANDARD);
    }

    /** The module, if any, where the backbone puts it by default ({@link #defaultPlacement}). */
    public ModelSpec(String backbone, double width, int numClasses, int imageSize, boolean smallStem,
                     String attention, Map<String, Object> attentionOptions) {
        this(backbone, width, numClasses, imageSize, smallStem, attention, attentionOptions, null, null);
    }

    public boolean hasAttention() {
        return !NONE.equals(attention);
    }

    /** Whether residual stage {@code stage} (1-based) gets the attention module. */
    public boolean attends(int stage) {
        return hasAttention() && stages.contains(stage);
    }
}
