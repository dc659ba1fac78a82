package io.attnspark.model;

import io.attnspark.model.attention.AttentionModule;
import io.attnspark.model.attention.AttentionRegistry;
import io.attnspark.model.backbone.Backbone;
import io.attnspark.model.backbone.Backbones;
import java.util.Collections;
import java.util.Map;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * What network to build, by name: a backbone, its size and an optional attention module, and where the module goes.
 * {@link #resolve} turns it into the {@link ResolvedModel} that everything downstream takes.
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

    public static final String NONE = PlacedAttention.NO_ATTENTION;
    public static final String INPUT = "input";
    public static final String OUTPUT = "output";
    /** The four stages of a ResNet ({@code layer1..layer4}). */
    public static final SortedSet<Integer> ALL_STAGES = Placement.ALL_STAGES;

    public ModelSpec {
        attentionOptions = attentionOptions == null ? Map.of() : Map.copyOf(attentionOptions);
        stages = stages == null ? null : Collections.unmodifiableSortedSet(new TreeSet<>(stages));
    }

    /** The module, if any, where the backbone puts it by default. */
    public ModelSpec(String backbone, double width, int numClasses, int imageSize, boolean smallStem,
                     String attention, Map<String, Object> attentionOptions) {
        this(backbone, width, numClasses, imageSize, smallStem, attention, attentionOptions, null, null);
    }

    public boolean hasAttention() {
        return !NONE.equals(attention);
    }

    /**
     * The backbone, the module instance and its placement (the backbone's default for what this spec leaves out),
     * each checked once.
     *
     * @throws IllegalArgumentException naming the bad setting and the fix: an unknown backbone or attention, bad
     *                                  module options, a size out of range, or a placement the backbone has no place for
     */
    public ResolvedModel resolve() {
        Backbone resolved = Backbones.find(backbone).orElseThrow(() -> new IllegalArgumentException(
                "unknown backbone '" + backbone + "'; known: " + String.join(", ", Backbones.names())));
        checkSizes(resolved);
        if (attention == null) {
            throw new IllegalArgumentException("attention must be a registry name or '" + NONE + "', got null");
        }
        PlacedAttention placed;
        if (hasAttention()) {
            AttentionModule module = AttentionRegistry.create(attention, attentionOptions);
            placed = new PlacedAttention(module, Placement.orDefault(position, stages, () -> resolved.defaultPlacement(module)));
        } else {
            placed = PlacedAttention.none(Placement.orDefault(position, stages, () -> Placement.STANDARD));
        }
        resolved.checkPlacement(placed);
        return new ResolvedModel(resolved, width, numClasses, imageSize, smallStem, placed);
    }

    private void checkSizes(Backbone resolved) {
        if (!(width > 0) || Double.isInfinite(width)) {
            throw new IllegalArgumentException("width must be a positive multiplier (1.0 = the published network), got "
                    + width);
        }
        if (numClasses < 2) {
            throw new IllegalArgumentException("numClasses must be at least 2, got " + numClasses);
        }
        int minSize = resolved.minImageSize(smallStem);
        if (imageSize < minSize) {
            throw new IllegalArgumentException("imageSize " + imageSize + " is too small for " + resolved.name()
                    + " with the " + (smallStem ? "small" : "ImageNet") + " stem; use at least " + minSize
                    + (smallStem ? "" : ", or the small stem for inputs of 64 px or less"));
        }
    }

    /**
     * Where {@code backbone} puts the module by default, for a configuration that records its placement before the
     * network is resolved. Standard and all stages when that cannot be known here (no module, an unknown backbone or
     * module, bad options): {@link #resolve} reports those.
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
}
