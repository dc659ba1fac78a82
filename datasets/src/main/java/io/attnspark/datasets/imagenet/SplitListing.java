package io.attnspark.datasets.imagenet;

import java.util.List;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * The labeled images of one split, sorted by class id then file name, plus what was left out.
 *
 * @param images labeled images, deterministic order
 * @param unknownClassFiles files whose class is not one of the layout's classes (not returned): files under a class
 *        directory train/ does not have, or flat val files without a ground-truth label
 * @param unknownClassIds those unknown class ids (directory names or ground-truth wnids)
 * @param filesOutsideClassDirs plain files directly under a class-directory split (not returned)
 * @param unknownClassExamples the first few unknown-class files, as URIs
 */
public record SplitListing(String split, List<LabeledImage> images, int unknownClassFiles,
                           SortedSet<String> unknownClassIds, int filesOutsideClassDirs,
                           List<String> unknownClassExamples) {
    /** Unknown-class files named per listing. */
    public static final int EXAMPLES = 10;

    public SplitListing {
        images = List.copyOf(images);
        unknownClassIds = new TreeSet<>(unknownClassIds);
        unknownClassExamples = List.copyOf(
                unknownClassExamples.subList(0, Math.min(EXAMPLES, unknownClassExamples.size())));
    }
}
