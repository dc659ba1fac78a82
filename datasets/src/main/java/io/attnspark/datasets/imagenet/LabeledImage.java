package io.attnspark.datasets.imagenet;

import java.io.Serializable;

/** One image file and its class index (into the layout's sorted class ids). */
public record LabeledImage(String uri, int label) implements Serializable {
    public LabeledImage {
        if (uri == null || uri.isBlank()) {
            throw new IllegalArgumentException("image uri must not be blank");
        }
        if (label < 0) {
            throw new IllegalArgumentException("label must be >= 0, got " + label + " for " + uri);
        }
    }
}
