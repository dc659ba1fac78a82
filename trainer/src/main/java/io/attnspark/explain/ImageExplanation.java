package io.attnspark.explain;

import java.nio.file.Path;
import java.util.List;

/**
 * What was written for one image.
 *
 * @param image the image file
 * @param top   the top-5 predicted classes, most probable first
 * @param pngs  the PNGs written: the channel chart first (if the model has channel maps), then one per spatial map
 */
public record ImageExplanation(Path image, List<Prediction> top, List<Path> pngs) {
    public ImageExplanation {
        top = List.copyOf(top);
        pngs = List.copyOf(pngs);
    }
}
