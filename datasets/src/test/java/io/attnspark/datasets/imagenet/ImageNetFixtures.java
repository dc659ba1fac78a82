package io.attnspark.datasets.imagenet;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.bytedeco.opencv.opencv_core.Mat;

import io.attnspark.datasets.TestImages;

/** Tiny ImageNet layouts of real 16x12 JPEGs, with label files whose ILSVRC order differs from the sorted order. */
public final class ImageNetFixtures {
    private ImageNetFixtures() {
    }

    /**
     * Classic layout, flat val: train/{n01,n02,n03}/, ILSVRC2012_IDs 1,2,3 = n03,n01,n02; val 1..3 labeled 1,3,2
     * (n03, n02, n01), val 4 without a ground-truth line.
     *
     * @param inDevkitDir put the two label files under ILSVRC2012_devkit_t12/data/ instead of the root
     */
    public static void classicFlatVal(Path root, boolean inDevkitDir) throws IOException {
        write(root, "train/n01/a.JPEG", "train/n02/b.JPEG", "train/n03/c.JPEG", "val/ILSVRC2012_val_00000001.JPEG",
                "val/ILSVRC2012_val_00000002.JPEG", "val/ILSVRC2012_val_00000003.JPEG",
                "val/ILSVRC2012_val_00000004.JPEG");
        Path labels = inDevkitDir ? root.resolve(ImageNetLabelFiles.DEVKIT_DATA_DIR) : root;
        Files.createDirectories(labels);
        Files.write(labels.resolve(ImageNetLabelFiles.SYNSETS_BY_ID),
                List.of("n03 third class", "n01 first class", "n02 second class"));
        Files.write(labels.resolve(ImageNetLabelFiles.DEVKIT_GROUND_TRUTH), List.of("1", "3", "2"));
    }

    /**
     * Kaggle layout: classes n01,n02,n03 (mapping file unsorted); train n01 x2, n03 x1 and an unknown n99; val 1 = n03,
     * val 2 = n01, val 3 = n77 (not a class).
     */
    public static void kaggle(Path root) throws IOException {
        String data = ImageLayouts.KAGGLE_DATA_DIR + "/";
        write(root, data + "train/n01/n01_1.JPEG", data + "train/n01/n01_2.JPEG", data + "train/n03/n03_1.JPEG",
                data + "train/n99/n99_1.JPEG", data + "val/ILSVRC2012_val_00000001.JPEG",
                data + "val/ILSVRC2012_val_00000002.JPEG", data + "val/ILSVRC2012_val_00000003.JPEG");
        Files.write(root.resolve(ImageNetLabelFiles.KAGGLE_SYNSETS),
                List.of("n03 third, class", "n01 first", "n02 second"));
        Files.write(root.resolve(ImageNetLabelFiles.KAGGLE_VAL_SOLUTION),
                List.of("ImageId,PredictionString", "ILSVRC2012_val_00000002,n01 1 2 10 11 n01 3 3 9 9",
                        "ILSVRC2012_val_00000001,n03 0 0 15 11 ", "ILSVRC2012_val_00000003,n77 1 1 5 5"));
    }

    /** Writes a small real JPEG at each relative path, each a different grey so files differ. */
    public static void write(Path root, String... files) throws IOException {
        int shade = 20;
        for (String file : files) {
            Path path = root.resolve(file);
            Files.createDirectories(path.getParent());
            try (Mat bgr = TestImages.solidBgr(16, 12, shade, shade, shade)) {
                Files.write(path, TestImages.encode(bgr, ".jpg"));
            }
            shade += 10;
        }
    }
}
