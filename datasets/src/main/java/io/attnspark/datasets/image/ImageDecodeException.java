package io.attnspark.datasets.image;

import java.io.IOException;

/** A file whose bytes are not a decodable image; the message names the file and the reason. */
public final class ImageDecodeException extends IOException {
    private static final long serialVersionUID = 1L;

    private final String fileName;

    public ImageDecodeException(String fileName, String reason) {
        super("cannot decode image " + fileName + ": " + reason);
        this.fileName = fileName;
    }

    public String fileName() {
        return fileName;
    }
}
