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
    TRANSFORM_FAILED,
    /** A file inside a sub-folder of a class folder: classes are one folder deep. */
    NESTED_FOLDER,
    /** A symbolic link whose target does not exist. */
    BROKEN_LINK,
    /** A file directly under a split folder that holds class folders, so it has no class. */
    OUTSIDE_CLASS_FOLDER
}
