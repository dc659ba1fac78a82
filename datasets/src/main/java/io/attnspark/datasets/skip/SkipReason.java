package io.attnspark.datasets.skip;

/** Why an image file was left out of packing or training. */
public enum SkipReason {
    /** A 0-byte file. */
    EMPTY_FILE,
    /** A JPEG cut short: no end-of-image marker after its scan data. */
    TRUNCATED,
    /** Bytes no decoder understands: text, HTML error pages, corrupt headers. */
    NOT_AN_IMAGE,
    /** The class id is not one of the dataset's classes (or a flat val image has no ground-truth label). */
    UNKNOWN_CLASS,
    /** Decoded, but the transform could not produce a tensor from it. */
    TRANSFORM_FAILED
}
