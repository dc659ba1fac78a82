package io.attnspark.datasets.image;

import java.io.IOException;

import io.attnspark.datasets.skip.SkipReason;

/** A file whose bytes are not a decodable image; the message names the file and the reason. */
public final class ImageDecodeException extends IOException {
    private static final long serialVersionUID = 1L;

    private final String fileName;
    private final SkipReason reason;
    private final String detail;

    public ImageDecodeException(String fileName, SkipReason reason, String detail) {
        super("cannot decode image " + fileName + ": " + detail);
        this.fileName = fileName;
        this.reason = reason;
        this.detail = detail;
    }

    /** What is wrong, without the file name. */
    public String detail() {
        return detail;
    }

    public String fileName() {
        return fileName;
    }

    /** {@link SkipReason#EMPTY_FILE}, {@link SkipReason#TRUNCATED} or {@link SkipReason#NOT_AN_IMAGE}. */
    public SkipReason reason() {
        return reason;
    }
}
