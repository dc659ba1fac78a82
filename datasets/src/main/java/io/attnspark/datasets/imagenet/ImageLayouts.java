package io.attnspark.datasets.imagenet;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.util.Locale;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * Opens an ImageNet layout by name or by what the root holds. Expected files:
 * <pre>
 * classic, per-class val:  ROOT/train/&lt;wnid&gt;/*  ROOT/val/&lt;wnid&gt;/*
 * classic, flat val:       ROOT/train/&lt;wnid&gt;/*  ROOT/val/ILSVRC2012_val_NNNNNNNN.JPEG
 *                          ROOT/ILSVRC2012_validation_ground_truth.txt   (or ROOT/ILSVRC2012_devkit_t12/data/...)
 *                          ROOT/ILSVRC2012_synsets_by_id.txt             (or ROOT/ILSVRC2012_devkit_t12/data/...)
 * kaggle:                  ROOT/ILSVRC/Data/CLS-LOC/train/&lt;wnid&gt;/*  ROOT/ILSVRC/Data/CLS-LOC/val/*.JPEG
 *                          ROOT/LOC_synset_mapping.txt  ROOT/LOC_val_solution.csv
 * </pre>
 * {@link ImageNetLabelFiles} describes the label files. In every layout, class index = position in the sorted wnids.
 */
public final class ImageLayouts {
    /** The Kaggle layout's image directory, relative to its root. */
    public static final String KAGGLE_DATA_DIR = "ILSVRC/Data/CLS-LOC";

    /** The layouts {@link #open(String, Configuration, Kind)} reads. */
    public enum Kind {
        /** Detect from the root's content: Kaggle if {@value #KAGGLE_DATA_DIR}/train exists, else classic. */
        AUTO,
        /** {@code train/<wnid>/} with a per-class or flat {@code val/}. */
        CLASSIC,
        /** {@code ILSVRC/Data/CLS-LOC/} with {@code LOC_synset_mapping.txt} and {@code LOC_val_solution.csv}. */
        KAGGLE;

        /** Case-insensitive, for command lines. */
        public static Kind parse(String name) {
            for (Kind kind : values()) {
                if (kind.name().equalsIgnoreCase(name.strip())) {
                    return kind;
                }
            }
            throw new IllegalArgumentException("unknown layout '" + name + "': use auto, classic or kaggle");
        }

        @Override
        public String toString() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    private ImageLayouts() {
    }

    /** Detects the layout. */
    public static ImageFolderLayout open(String rootUri, Configuration conf) throws IOException {
        return open(rootUri, conf, Kind.AUTO);
    }

    public static ImageFolderLayout open(String rootUri, Configuration conf, Kind kind) throws IOException {
        return switch (kind) {
            case CLASSIC -> ImageFolderLayout.open(rootUri, conf);
            case KAGGLE -> ImageFolderLayout.openKaggle(rootUri, conf);
            case AUTO -> detect(rootUri, conf);
        };
    }

    private static ImageFolderLayout detect(String rootUri, Configuration conf) throws IOException {
        Path given = new Path(rootUri);
        FileSystem fs = given.getFileSystem(conf);
        Path root = fs.makeQualified(given);
        if (ImageFolderLayout.isDirectory(fs, new Path(new Path(root, KAGGLE_DATA_DIR), ImageLayout.TRAIN))) {
            return ImageFolderLayout.openKaggle(rootUri, conf);
        }
        if (ImageFolderLayout.isDirectory(fs, new Path(root, ImageLayout.TRAIN))) {
            return ImageFolderLayout.open(rootUri, conf);
        }
        throw new FileNotFoundException("cannot tell the layout of " + root + ": it has neither train/ (classic: "
                + "train/<wnid>/ and val/) nor " + KAGGLE_DATA_DIR + "/train/ (Kaggle, with "
                + ImageNetLabelFiles.KAGGLE_SYNSETS + " and " + ImageNetLabelFiles.KAGGLE_VAL_SOLUTION + ")");
    }
}
