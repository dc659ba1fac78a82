package io.attnspark.explain;

import io.attnspark.datasets.skip.SkipTally;
import java.util.List;

/**
 * The outcome of {@link Explainer#explain}.
 *
 * @param images  the images explained, in file order
 * @param skipped files that could not be read, decoded or transformed, by reason
 */
public record ExplainReport(List<ImageExplanation> images, SkipTally skipped) {
    public ExplainReport {
        images = List.copyOf(images);
    }
}
