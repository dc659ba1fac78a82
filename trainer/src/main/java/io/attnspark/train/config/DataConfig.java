package io.attnspark.train.config;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * @param path     an ImageNet-layout folder or a packed dataset (a folder with pack.json), any Hadoop URI
 * @param packs    where a layout folder is packed into shards before training; null: {@code <workDir>/packs}
 * @param packSeed seed of the image order within a pack
 */
public record DataConfig(String path, String packs, long packSeed) {

    public DataConfig {
        Checks.nonBlank(path, "data.path", "an ImageNet-layout folder or a packed dataset");
    }

    @JsonCreator
    static DataConfig fromJson(@JsonProperty("path") String path, @JsonProperty("packs") String packs,
                               @JsonProperty("packSeed") Long packSeed) {
        return new DataConfig(path, packs, Checks.or(packSeed, 1234L));
    }
}
