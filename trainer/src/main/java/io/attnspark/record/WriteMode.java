package io.attnspark.record;

/** What a write does when the target file already exists. */
public enum WriteMode {
    /** Fail with {@link org.apache.hadoop.fs.FileAlreadyExistsException}; the existing file stays as it was. */
    CREATE_NEW,
    /** Replace the existing file in one rename; readers see the old or the new content, never a mix. */
    OVERWRITE
}
