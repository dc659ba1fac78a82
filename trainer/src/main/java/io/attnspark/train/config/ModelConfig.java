package io.attnspark.train.config;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.attnspark.model.ModelSpec;

import java.util.Map;

/** The network: backbone, width, input size and attention; see {@link ModelSpec}. */
public record ModelConfig(String backbone, double width, int imageSize, boolean smallStem, String attention,
                          Map<String, Object> attentionOptions) {

    public ModelConfig {
        Checks.nonBlank(backbone, "model.backbone", "a backbone name such as resnet18");
        Checks.positive(width, "model.width");
        Checks.atLeast(imageSize, 8, "model.imageSize");
        Checks.nonBlank(attention, "model.attention", "an attention name such as se, or none");
        attentionOptions = attentionOptions == null ? Map.of() : Map.copyOf(attentionOptions);
    }

    /** Absent keys take defaults: resnet18, width 1, 224 px, the small stem at 64 px or less, no attention. */
    @JsonCreator
    static ModelConfig fromJson(@JsonProperty("backbone") String backbone, @JsonProperty("width") Double width,
                                @JsonProperty("imageSize") Integer imageSize, @JsonProperty("smallStem") Boolean smallStem,
                                @JsonProperty("attention") String attention,
                                @JsonProperty("attentionOptions") Map<String, Object> attentionOptions) {
        int size = Checks.or(imageSize, 224);
        return new ModelConfig(Checks.or(backbone, "resnet18"), Checks.or(width, 1.0), size,
                Checks.or(smallStem, size <= 64), Checks.or(attention, ModelSpec.NONE), attentionOptions);
    }

    static ModelConfig defaults() {
        return fromJson(null, null, null, null, null, null);
    }

    public ModelSpec toSpec(int numClasses) {
        return new ModelSpec(backbone, width, numClasses, imageSize, smallStem, attention, attentionOptions);
    }
}
