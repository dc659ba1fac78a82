package io.attnspark.train.config;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.attnspark.model.AttentionPosition;
import io.attnspark.model.ModelSpec;
import io.attnspark.model.Placement;

import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * The network: backbone, width, input size, attention and where it goes (position and stages); see {@link ModelSpec}.
 * {@code model.position} is one of standard, pre, post, identity, after_add, stage, conv; {@code model.stages} a list
 * of residual stages 1..4, e.g. {@code [3, 4]}. Either, when absent, is where the papers put the module in the
 * backbone ({@link ModelSpec#defaultPlacement}), so the config always holds the placement the run used.
 * {@code model.initFrom} is an optional PyTorch state_dict saved as {@code .npz} (any Hadoop URI) that initializes
 * the network; see {@link io.attnspark.model.Models#loadTorchWeights}.
 */
public record ModelConfig(String backbone, double width, int imageSize, boolean smallStem, String attention,
                          Map<String, Object> attentionOptions, AttentionPosition position, List<Integer> stages,
                          String initFrom) {

    public ModelConfig {
        Checks.nonBlank(backbone, "model.backbone", "a backbone name such as resnet18");
        Checks.positive(width, "model.width");
        Checks.atLeast(imageSize, 8, "model.imageSize");
        Checks.nonBlank(attention, "model.attention", "an attention name such as se, or none");
        attentionOptions = attentionOptions == null ? Map.of() : Map.copyOf(attentionOptions);
        String module = attention;
        Map<String, Object> options = attentionOptions;
        Placement placement = Placement.orDefault(position, stages == null ? null : checkedStages(stages),
                () -> ModelSpec.defaultPlacement(backbone, module, options));
        position = placement.position();
        stages = List.copyOf(placement.stages());
        if (initFrom != null) {
            Checks.nonBlank(initFrom, "model.initFrom", "a PyTorch state_dict saved as .npz, or leave it out");
        }
    }

    private static List<Integer> checkedStages(List<Integer> stages) {
        if (stages.isEmpty()) {
            throw new IllegalArgumentException("model.stages: empty; list the residual stages that get attention, e.g."
                    + " [1, 2, 3, 4] (all), or set model.attention=none");
        }
        var sorted = new TreeSet<Integer>();
        for (Integer stage : stages) {
            if (stage == null || !ModelSpec.ALL_STAGES.contains(stage)) {
                throw new IllegalArgumentException("model.stages: " + stage + " is not a stage; use numbers from 1 to 4");
            }
            if (!sorted.add(stage)) {
                throw new IllegalArgumentException("model.stages: stage " + stage + " is listed twice");
            }
        }
        return List.copyOf(sorted);
    }

    /**
     * Absent keys take defaults: resnet18, width 1, 224 px, the small stem at 64 px or less, no attention, and the
     * module's default placement.
     */
    @JsonCreator
    static ModelConfig fromJson(@JsonProperty("backbone") String backbone, @JsonProperty("width") Double width,
                                @JsonProperty("imageSize") Integer imageSize, @JsonProperty("smallStem") Boolean smallStem,
                                @JsonProperty("attention") String attention,
                                @JsonProperty("attentionOptions") Map<String, Object> attentionOptions,
                                @JsonProperty("position") AttentionPosition position,
                                @JsonProperty("stages") List<Integer> stages,
                                @JsonProperty("initFrom") String initFrom) {
        int size = Checks.or(imageSize, 224);
        return new ModelConfig(Checks.or(backbone, "resnet18"), Checks.or(width, 1.0), size,
                Checks.or(smallStem, size <= 64), Checks.or(attention, ModelSpec.NONE), attentionOptions,
                position, stages, initFrom);
    }

    static ModelConfig defaults() {
        return fromJson(null, null, null, null, null, null, null, null, null);
    }

    /** Whether position and stages are where the backbone puts the module by default (the papers' placement). */
    public boolean defaultPlacement() {
        return ModelSpec.defaultPlacement(backbone, attention, attentionOptions)
                .equals(new Placement(position, new TreeSet<>(stages)));
    }

    public ModelSpec toSpec(int numClasses) {
        return new ModelSpec(backbone, width, numClasses, imageSize, smallStem, attention, attentionOptions,
                position, new TreeSet<>(stages));
    }
}
