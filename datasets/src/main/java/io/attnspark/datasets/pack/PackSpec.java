package io.attnspark.datasets.pack;

import io.attnspark.datasets.image.ImageDownscale;

/**
 * Where and how to pack.
 *
 * @param destinationUri root of the packed dataset (any Hadoop URI)
 * @param batchSize images per shard; the trainer's per-worker batch size should divide it or equal it
 * @param seed shuffle seed: the same seed and image list give byte-identical shard membership
 * @param checkImages decode every file while packing and leave out the ones that fail (counted per reason in
 *        {@code pack.json}); false packs every listed file and leaves bad ones to the loader's skip
 * @param downscale shrinks images larger than its side before they are stored, or null to store the files as they are
 */
public record PackSpec(String destinationUri, int batchSize, long seed, boolean checkImages, ImageDownscale downscale) {
    public PackSpec {
        if (destinationUri == null || destinationUri.isBlank()) {
            throw new IllegalArgumentException("destination uri must not be blank");
        }
        if (batchSize <= 0) {
            throw new IllegalArgumentException("batch size must be > 0, got " + batchSize);
        }
    }

    /** Stores the files as they are. */
    public PackSpec(String destinationUri, int batchSize, long seed, boolean checkImages) {
        this(destinationUri, batchSize, seed, checkImages, null);
    }

    /** Packs with the image check on. */
    public PackSpec(String destinationUri, int batchSize, long seed) {
        this(destinationUri, batchSize, seed, true);
    }
}
