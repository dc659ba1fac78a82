package io.attnspark.datasets.pack;

/**
 * Where and how to pack.
 *
 * @param destinationUri root of the packed dataset (any Hadoop URI)
 * @param batchSize images per shard; the trainer's per-worker batch size should divide it or equal it
 * @param seed shuffle seed: the same seed and image list give byte-identical shard membership
 * @param checkImages decode every file while packing and leave out the ones that fail (counted per reason in
 *        {@code pack.json}); false packs every listed file and leaves bad ones to the loader's skip
 */
public record PackSpec(String destinationUri, int batchSize, long seed, boolean checkImages) {
    public PackSpec {
        if (destinationUri == null || destinationUri.isBlank()) {
            throw new IllegalArgumentException("destination uri must not be blank");
        }
        if (batchSize <= 0) {
            throw new IllegalArgumentException("batch size must be > 0, got " + batchSize);
        }
    }

    /** Packs with the image check on. */
    public PackSpec(String destinationUri, int batchSize, long seed) {
        this(destinationUri, batchSize, seed, true);
    }
}
