package io.attnspark.datasets.image;

import static org.bytedeco.opencv.global.opencv_core.CV_8UC3;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;

import org.bytedeco.javacpp.indexer.UByteIndexer;
import org.bytedeco.opencv.opencv_core.Mat;
import org.junit.jupiter.api.Test;

import io.attnspark.datasets.TestImages;

/** Decode-time downscaling for the training crop: same crop, only ever downscaling, output close to a full decode. */
class ReducedDecodeTest {
    private static final int SIZE = 64;

    @Test
    void theJpegHeaderGivesTheSizeWithoutDecoding() {
        try (Mat bgr = TestImages.redLeftBlueRight(300, 200)) {
            assertArrayEquals(new int[] {300, 200}, ImageDecoder.jpegSize(TestImages.encode(bgr, ".jpg")));
            assertNull(ImageDecoder.jpegSize(TestImages.encode(bgr, ".png")));
        }
        assertNull(ImageDecoder.jpegSize(new byte[0]));
    }

    @Test
    void theReductionIsTheLargestThatKeepsTheCropAtLeastTheOutputSize() {
        TrainTransform transform = TrainTransform.imagenet(224);
        assertEquals(4, transform.reduction(new CropBox(0, 0, 1200, 1600)));
        assertEquals(2, transform.reduction(new CropBox(0, 0, 448, 900)));
        assertEquals(1, transform.reduction(new CropBox(0, 0, 375, 500)), "an ImageNet-sized photo decodes in full");
    }

    @Test
    void aLargeJpegDecodedAtReducedScaleGivesNearlyTheFullDecodeOutput() throws ImageDecodeException {
        byte[] jpeg;
        try (Mat bgr = gradient(1024, 768)) {
            jpeg = TestImages.encode(bgr, ".jpg");
        }
        // the whole image as the crop: 768 / 8 = 96 >= 64, so an 8x reduction
        TrainTransform transform = new TrainTransform(SIZE, 1.0, 1.0, 4.0 / 3, 4.0 / 3, 0.0);
        assertEquals(8, transform.reduction(new CropBox(0, 0, 768, 1024)));
        float[] reduced = new float[3 * SIZE * SIZE];
        float[] full = new float[3 * SIZE * SIZE];

        transform.decodeAndApply(jpeg, "large.JPEG", new SplittableRandom(3), reduced, 0);
        try (Mat rgb = ImageDecoder.decodeRgb(jpeg, "large.JPEG")) {
            transform.apply(rgb, new SplittableRandom(3), full, 0);
        }

        double worst = 0;
        for (int i = 0; i < full.length; i++) {
            worst = Math.max(worst, Math.abs(full[i] - reduced[i]));
        }
        // normalized units: 0.1 is about 6 grey levels of 255 on a smooth gradient
        assertTrue(worst < 0.1, "max difference " + worst);
    }

    @Test
    void aSmallJpegComesOutExactlyAsWithAFullDecode() throws ImageDecodeException {
        byte[] jpeg;
        try (Mat bgr = gradient(120, 90)) {
            jpeg = TestImages.encode(bgr, ".jpg");
        }
        TrainTransform transform = TrainTransform.imagenet(SIZE);
        float[] viaHeader = new float[3 * SIZE * SIZE];
        float[] full = new float[3 * SIZE * SIZE];

        transform.decodeAndApply(jpeg, "small.JPEG", new SplittableRandom(5), viaHeader, 0);
        try (Mat rgb = ImageDecoder.decodeRgb(jpeg, "small.JPEG")) {
            transform.apply(rgb, new SplittableRandom(5), full, 0);
        }

        assertArrayEquals(full, viaHeader, "same random draws, same crop, same pixels");
    }

    /** Smooth horizontal and vertical ramps in different channels (BGR). */
    private static Mat gradient(int width, int height) {
        Mat mat = new Mat(height, width, CV_8UC3);
        try (UByteIndexer idx = mat.createIndexer()) {
            for (int y = 0; y < height; y++) {
                for (int x = 0; x < width; x++) {
                    idx.put(y, x, 0, 255 * x / width);
                    idx.put(y, x, 1, 255 * y / height);
                    idx.put(y, x, 2, 128);
                }
            }
        }
        return mat;
    }
}
