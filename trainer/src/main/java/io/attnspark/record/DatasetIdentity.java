package io.attnspark.record;

/**
 * What a run trained and validated on, identified by its content rather than by where it lies.
 *
 * @param fingerprint  content fingerprint of the packed dataset (class ids, image counts, shard digests)
 * @param name         the last segment of the data path, for people; not part of the identity
 * @param classes      number of classes
 * @param trainImages  images in the training split
 * @param valImages    images in the validation split
 */
public record DatasetIdentity(String fingerprint, String name, int classes, long trainImages, long valImages) {

    public DatasetIdentity {
        Checks.nonBlank(fingerprint, "dataset.fingerprint");
        Checks.nonBlank(name, "dataset.name");
        if (classes < 1 || trainImages < 0 || valImages < 0) {
            throw new IllegalArgumentException("dataset counts must be classes >= 1 and images >= 0, got " + classes
                    + " classes, " + trainImages + " train and " + valImages + " val images");
        }
    }
}
