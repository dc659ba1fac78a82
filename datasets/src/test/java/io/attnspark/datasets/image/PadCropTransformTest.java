package io.attnspark.datasets.image;

import static org.bytedeco.opencv.global.opencv_core.CV_8UC3;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.Set;
import java.util.SplittableRandom;

import org.bytedeco.javacpp.indexer.UByteIndexer;
import org.bytedeco.opencv.opencv_core.Mat;
import org.junit.jupiter.api.Test;

class PadCropTransformTest {

    /** Red is the column + 1 and green the row + 1, so each output pixel says where in the image it came from. */
    private static Mat ramp() {
        Mat mat = new Mat(28, 28, CV_8UC3);
        try (UByteIndexer idx = mat.createIndexer()) {
            for (int y = 0; y < 28; y++) {
                for (int x = 0; x < 28; x++) {
                    idx.put(y, x, 0, x + 1);
                    idx.put(y, x, 1, y + 1);
                    idx.put(y, x, 2, 0);
                }
            }
        }
        return mat;
    }

    @Test
    void cropsAreUniformOverEveryShiftOfThePaddingAndFlipHalfTheTime() {
        int padding = 3;
        var transform = new PadCropTransform(28, padding, 0.5);
        var rng = new SplittableRandom(3);
        Set<Integer> tops = new HashSet<>();
        Set<Integer> lefts = new HashSet<>();
        int flips = 0;
        int draws = 600;
        int plane = 28 * 28;
        float[] out = new float[transform.outputLength()];
        try (Mat image = ramp()) {
            for (int i = 0; i < draws; i++) {
                transform.apply(image, rng, out, 0);
                // output pixels (14, 14) and (14, 15) always come from inside the image at this padding
                int column = byteOf(out[14 * 28 + 14], 0) - 1;
                boolean mirrored = byteOf(out[14 * 28 + 15], 0) - 1 < column;
                int left = column - (mirrored ? 13 : 14) + padding;
                int top = byteOf(out[plane + 14 * 28 + 14], 1) - 1 - 14 + padding;
                tops.add(top);
                lefts.add(left);
                flips += mirrored ? 1 : 0;
            }
        }
        Set<Integer> every = new HashSet<>();
        for (int shift = 0; shift <= 2 * padding; shift++) {
            every.add(shift);
        }
        assertEquals(every, tops, "crop tops");
        assertEquals(every, lefts, "crop lefts");
        assertEquals(0.5, (double) flips / draws, 0.07, "flip rate");
    }

    /** The 8-bit value that normalised to {@code value} in channel {@code c}. */
    private static int byteOf(float value, int c) {
        return Math.round((value * ChwWriter.STD[c] + ChwWriter.MEAN[c]) * 255f);
    }

    @Test
    void theCentreCropWithoutFlipIsTheImageItself() {
        float[] crop = new float[3 * 28 * 28];
        float[] whole = new float[3 * 28 * 28];
        try (Mat image = ramp()) {
            new PadCropTransform(28, 4, 0.5).apply(image, 4, 4, false, crop, 0);
            Augmentation.PAD_CROP.eval(28).apply(image, null, whole, 0);
        }
        assertArrayEquals(whole, crop);
    }

    @Test
    void configNamesParseAndTheMatchingTransformsAreBuilt() {
        assertSame(Augmentation.PAD_CROP, Augmentation.parse("pad-crop"));
        assertSame(Augmentation.IMAGENET, Augmentation.parse("ImageNet"));
        assertEquals("pad-crop", Augmentation.PAD_CROP.configName());
        assertEquals(new PadCropTransform(32, 4, 0.5), Augmentation.PAD_CROP.train(32, 4));
        assertEquals(TrainTransform.imagenet(32), Augmentation.IMAGENET.train(32, 4));
        assertEquals(new EvalTransform(32, 1.0), Augmentation.PAD_CROP.eval(32));
        assertEquals(EvalTransform.imagenet(32), Augmentation.IMAGENET.eval(32));
        var unknown = assertThrows(IllegalArgumentException.class, () -> Augmentation.parse("cifar"));
        assertEquals("data.augment: unknown augmentation 'cifar'; use one of imagenet, pad-crop", unknown.getMessage());
    }

    @Test
    void rejectsPaddingThatLeavesNoImage() {
        assertThrows(IllegalArgumentException.class, () -> new PadCropTransform(28, 28, 0.5));
        assertThrows(IllegalArgumentException.class, () -> new PadCropTransform(28, -1, 0.5));
        assertThrows(IllegalArgumentException.class, () -> new PadCropTransform(28, 4, 1.5));
    }
}
