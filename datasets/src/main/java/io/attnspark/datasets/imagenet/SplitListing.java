package io.attnspark.datasets.imagenet;

import java.util.List;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * The labeled images of one split, sorted by class id then file name, plus what was left out.
 *
 * @param images labeled images, deterministic order
 * @param unknownClassFiles files under a class directory that train/ does not have (not returned)
 * @param unknownClassIds those class directories' names
 * @param filesOutsideClassDirs plain files directly under the split directory (not returned)
 */
public record SplitListing(String split, List<LabeledImage> images, int unknownClassFiles,
                           SortedSet<String> unknownClassIds, int filesOutsideClassDirs) {
    public SplitListing {
        images = List.copyOf(images);
        unknownClassIds = new TreeSet<>(unknownClassIds);
    }
}
