package io.attnspark.datasets.imagenet;

import java.util.List;

import io.attnspark.datasets.skip.SkipReason;
import io.attnspark.datasets.skip.SkipTally;
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
 * @param misplaced files the layout cannot label because of where they are: in a sub-folder of a class folder,
 *        dangling symbolic links, and files directly under the split folder (the last also counted above)
 */
public record SplitListing(String split, List<LabeledImage> images, int unknownClassFiles,
                           SortedSet<String> unknownClassIds, int filesOutsideClassDirs,
                           List<String> unknownClassExamples, SkipTally misplaced) {
    /** Unknown-class files named per listing. */
    public static final int EXAMPLES = 10;

    public SplitListing {
        images = List.copyOf(images);
        unknownClassIds = new TreeSet<>(unknownClassIds);
        unknownClassExamples = List.copyOf(
                unknownClassExamples.subList(0, Math.min(EXAMPLES, unknownClassExamples.size())));
    }

    /** Every file of the split that is not among {@link #images()}, per reason. */
    public SkipTally skipped() {
        return SkipTally.of(SkipReason.UNKNOWN_CLASS, unknownClassFiles, unknownClassExamples).plus(misplaced);
    }

    /** Images per class index, for {@code classCount} classes. */
    public int[] imagesPerClass(int classCount) {
        int[] counts = new int[classCount];
        for (LabeledImage image : images) {
            counts[image.label()]++;
        }
        return counts;
    }
}
