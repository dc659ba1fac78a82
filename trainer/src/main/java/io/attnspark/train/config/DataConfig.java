package io.attnspark.train.config;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.attnspark.datasets.image.Augmentation;

/**
 * @param path     an ImageNet-layout folder or a packed dataset (a folder with pack.json), any Hadoop URI
 * @param packs    where a layout folder is packed into shards before training; null: {@code <workDir>/packs}
 * @param packSeed seed of the image order within a pack
 * @param augment  the training augmentation and its evaluation transform: {@code imagenet} (RandomResizedCrop
 *                 0.08-1 + flip; evaluation crops the centre 87.5%) or {@code pad-crop} (resize to the image size,
 *                 pad, random crop + flip, for small images like Fashion-MNIST; evaluation resizes only)
 * @param padding  pixels of black added on each side before a {@code pad-crop} crop (4, as for CIFAR's 32 px)
 */
public record DataConfig(String path, String packs, long packSeed, Augmentation augment, int padding) {

    public DataConfig {
        Checks.nonBlank(path, "data.path", "an ImageNet-layout folder or a packed dataset");
        if (augment == null) {
            throw new IllegalArgumentException("data.augment: missing; use imagenet or pad-crop");
        }
        Checks.atLeast(padding, 0, "data.padding");
    }

    @JsonCreator
    static DataConfig fromJson(@JsonProperty("path") String path, @JsonProperty("packs") String packs,
                               @JsonProperty("packSeed") Long packSeed, @JsonProperty("augment") String augment,
                               @JsonProperty("padding") Integer padding) {
        return new DataConfig(path, packs, Checks.or(packSeed, 1234L),
                augment == null ? Augmentation.IMAGENET : Augmentation.parse(augment), Checks.or(padding, 4));
    }
}
