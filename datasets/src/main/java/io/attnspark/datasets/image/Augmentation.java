package io.attnspark.datasets.image;

import java.util.Arrays;
import java.util.stream.Collectors;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/** A run's training augmentation and the evaluation transform that goes with it ({@code data.augment}). */
public enum Augmentation {
    /** RandomResizedCrop(size, 0.08-1, 3/4-4/3) + flip; evaluation resizes to size / 0.875 and crops the centre. */
    IMAGENET("imagenet"),
    /**
     * Resize to size, pad, random crop back to size + flip ({@link PadCropTransform}), for small images such as
     * Fashion-MNIST or CIFAR; evaluation only resizes, so it sees the whole image as training does.
     */
    PAD_CROP("pad-crop");

    private final String configName;

    Augmentation(String configName) {
        this.configName = configName;
    }

    /** The name a config uses: {@code imagenet}, {@code pad-crop}. */
    @JsonValue
    public String configName() {
        return configName;
    }

    /** @throws IllegalArgumentException naming the known augmentations */
    @JsonCreator
    public static Augmentation parse(String name) {
        for (Augmentation augmentation : values()) {
            if (augmentation.configName.equalsIgnoreCase(name) || augmentation.name().equalsIgnoreCase(name)) {
                return augmentation;
            }
        }
        throw new IllegalArgumentException("data.augment: unknown augmentation '" + name + "'; use one of "
                + Arrays.stream(values()).map(Augmentation::configName).collect(Collectors.joining(", ")));
    }

    /** @param padding pixels of black added on every side before the random crop; only {@link #PAD_CROP} uses it */
    public ImageTransform train(int size, int padding) {
        return switch (this) {
            case IMAGENET -> TrainTransform.imagenet(size);
            case PAD_CROP -> new PadCropTransform(size, padding, 0.5);
        };
    }

    public EvalTransform eval(int size) {
        return switch (this) {
            case IMAGENET -> EvalTransform.imagenet(size);
            case PAD_CROP -> new EvalTransform(size, 1.0);
        };
    }
}
