package io.attnspark.datasets.imagenet;

import java.io.IOException;
import java.util.List;

/**
 * A labeled image dataset on a Hadoop-readable file system. Implemented by {@link ImageFolderLayout}; the flat-val
 * ground-truth and Kaggle layouts fit the same contract.
 */
public interface ImageLayout {
    String TRAIN = "train";
    String VAL = "val";

    /** The root URI the layout was opened from. */
    String rootUri();

    /** Class ids in class-index order (sorted, the timm/torchvision convention). */
    List<String> classIds();

    /** Whether the split exists in this layout. */
    boolean hasSplit(String split) throws IOException;

    /** The split's labeled images; throws a {@link java.io.FileNotFoundException} if the split does not exist. */
    SplitListing list(String split) throws IOException;
}
