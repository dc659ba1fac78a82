package io.attnspark.datasets.image;

import static org.bytedeco.opencv.global.opencv_core.CV_8UC3;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.SplittableRandom;

import org.bytedeco.javacpp.indexer.UByteIndexer;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Scalar;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

class ImageTransformTest {
    /** torchvision's ImageNet statistics, as published. */
    private static final float[] MEAN = {0.485f, 0.456f, 0.406f};
    private static final float[] STD = {0.229f, 0.224f, 0.225f};

    @Test
    void aConstantColourNormalisesToTheExactExpectedValueInBothTransforms() {
        int[] rgb = {200, 100, 50};
        for (ImageTransform transform : new ImageTransform[] {ImageTransform.train(16), ImageTransform.eval(16)}) {
            float[] out = new float[transform.outputLength()];
            try (Mat image = rgbImage(40, 30, (y, x, c) -> rgb[c])) {
                transform.apply(image, new SplittableRandom(1), out, 0);
            }
            int plane = 16 * 16;
            for (int c = 0; c < 3; c++) {
                float expected = (rgb[c] / 255f - MEAN[c]) / STD[c];
                for (int p = 0; p < plane; p++) {
                    assertEquals(expected, out[c * plane + p], 1e-6f, transform + " channel " + c);
                }
            }
        }
    }

    @Test
    void outputFillsExactlyItsSliceInChwOrder() {
        ImageTransform eval = ImageTransform.eval(8);
        assertEquals(3 * 8 * 8, eval.outputLength());
        float[] out = new float[eval.outputLength() + 10];
        Arrays.fill(out, Float.NaN);
        try (Mat image = rgbImage(50, 20, (y, x, c) -> c == 0 ? 255 : 0)) {
            eval.apply(image, null, out, 5);
        }
        for (int i = 0; i < 5; i++) {
            assertTrue(Float.isNaN(out[i]) && Float.isNaN(out[out.length - 1 - i]), "writes outside its slice");
        }
        float redPlaneValue = (1f - MEAN[0]) / STD[0];
        float greenPlaneValue = (0f - MEAN[1]) / STD[1];
        assertEquals(redPlaneValue, out[5], 1e-6f);
        assertEquals(redPlaneValue, out[5 + 63], 1e-6f);
        assertEquals(greenPlaneValue, out[5 + 64], 1e-6f, "channel 1 starts after a full plane");
    }

    @Test
    void evalResizesTheShortSideAndTakesTheCentre() {
        // size 28 / 0.875 = 32: a 64x32 image keeps its size, then the crop starts at row 2, column 18
        EvalTransform eval = EvalTransform.imagenet(28);
        assertEquals(32, eval.resizeShortSide());
        assertEquals(256, EvalTransform.imagenet(224).resizeShortSide());
        float[] out = new float[eval.outputLength()];
        try (Mat image = rgbImage(64, 32, (y, x, c) -> c == 0 ? 3 * x : c == 1 ? 5 * y : 0)) {
            eval.apply(image, null, out, 0);
        }
        int plane = 28 * 28;
        assertEquals((3 * 18 / 255f - MEAN[0]) / STD[0], out[0], 1e-6f, "first column is column 18");
        assertEquals((3 * 45 / 255f - MEAN[0]) / STD[0], out[27], 1e-6f, "last column is column 45");
        assertEquals((5 * 2 / 255f - MEAN[1]) / STD[1], out[plane], 1e-6f, "first row is row 2");
        assertEquals((5 * 29 / 255f - MEAN[1]) / STD[1], out[plane + 27 * 28], 1e-6f, "last row is row 29");
    }

    @Test
    void evalSourceRegionIsTheCentralCropFractionOfTheShortSide() {
        // 64x32 at size 28 keeps its size (short side 32), so the crop is exactly rows 2..29, columns 18..45
        assertEquals(new CropBox(2, 18, 28, 28), EvalTransform.imagenet(28).sourceRegion(64, 32));
        // 640x480 at 224: the centre 0.875 of the short side, 420 px, and as wide (the long side's truncation may add a pixel or two)
        CropBox box = EvalTransform.imagenet(224).sourceRegion(640, 480);
        assertEquals(30, box.top());
        assertEquals(420, box.height());
        assertEquals(420, box.width(), 2);
        assertEquals(110, box.left(), 2);
        // upscaled small images: 28x28 Fashion-MNIST at 32 px covers the centre 0.875
        CropBox small = EvalTransform.imagenet(32).sourceRegion(28, 28);
        assertEquals(small.height(), small.width());
        assertEquals(28 * 0.875, small.height(), 1.0);
        assertTrue(small.fitsIn(28, 28));
    }

    @Test
    void evalIsDeterministic() {
        ImageTransform eval = ImageTransform.eval(24);
        float[] first = new float[eval.outputLength()];
        float[] second = new float[eval.outputLength()];
        try (Mat image = rgbImage(37, 53, (y, x, c) -> (x * 7 + y * 13 + c * 50) % 256)) {
            eval.apply(image, new SplittableRandom(1), first, 0);
            eval.apply(image, new SplittableRandom(2), second, 0);
        }
        assertArrayEquals(first, second);
    }

    @Test
    void trainIsReproducibleForASeedAndVariesAcrossSeeds() {
        ImageTransform train = ImageTransform.train(24);
        float[] a = new float[train.outputLength()];
        float[] b = new float[train.outputLength()];
        float[] c = new float[train.outputLength()];
        try (Mat image = rgbImage(64, 48, (y, x, ch) -> (x * 7 + y * 13 + ch * 50) % 256)) {
            train.apply(image, new SplittableRandom(42), a, 0);
            train.apply(image, new SplittableRandom(42), b, 0);
            train.apply(image, new SplittableRandom(43), c, 0);
        }
        assertArrayEquals(a, b);
        assertFalse(Arrays.equals(a, c));
    }

    @Test
    void horizontalFlipMirrorsColumns() {
        // a full-image crop (scale 1, ratio 1) of a square image, always flipped: the white right half comes first
        TrainTransform alwaysFlip = new TrainTransform(8, 1, 1, 1, 1, 1.0);
        TrainTransform neverFlip = new TrainTransform(8, 1, 1, 1, 1, 0.0);
        float white = (1f - MEAN[0]) / STD[0];
        float black = (0f - MEAN[0]) / STD[0];
        float[] flipped = new float[alwaysFlip.outputLength()];
        float[] plain = new float[neverFlip.outputLength()];
        try (Mat image = rgbImage(16, 16, (y, x, c) -> x < 8 ? 0 : 255)) {
            alwaysFlip.apply(image, new SplittableRandom(3), flipped, 0);
            neverFlip.apply(image, new SplittableRandom(3), plain, 0);
        }
        assertEquals(white, flipped[0], 1e-6f);
        assertEquals(black, flipped[7], 1e-6f);
        assertEquals(black, plain[0], 1e-6f);
        assertEquals(white, plain[7], 1e-6f);
    }

    @Test
    void randomResizedCropStaysInsideTheImageAndWithinScaleAndRatio() {
        TrainTransform train = TrainTransform.imagenet(224);
        SplittableRandom rng = new SplittableRandom(7);
        for (int trial = 0; trial < 2000; trial++) {
            int width = 1 + rng.nextInt(600);
            int height = 1 + rng.nextInt(600);
            CropBox box = train.sampleCrop(width, height, rng);
            assertTrue(box.fitsIn(width, height), box + " outside " + width + "x" + height);
            if (!isFallback(box, width, height)) {
                double area = (double) box.width() * box.height() / ((double) width * height);
                double ratio = (double) box.width() / box.height();
                // integer rounding of w and h loosens the bounds by up to half a pixel each
                double slackW = 0.5 / box.width();
                double slackH = 0.5 / box.height();
                assertTrue(area >= 0.08 * (1 - slackW) * (1 - slackH) - 1e-9 && area <= 1 + 1e-9, box + " area " + area);
                assertTrue(ratio >= 0.75 * (1 - slackW - slackH) - 1e-9 && ratio <= 4.0 / 3 * (1 + slackW + slackH) + 1e-9,
                        box + " ratio " + ratio);
            }
        }
    }

    @Test
    void randomResizedCropFallsBackToTorchvisionsCentreCrop() {
        TrainTransform train = TrainTransform.imagenet(224);
        // 1000x10 can never hold 8% of its area at ratio <= 4/3: torchvision crops h=10, w=round(10*4/3)=13, centred
        assertEquals(new CropBox(0, 493, 10, 13), train.sampleCrop(1000, 10, new SplittableRandom(1)));
        // 10x1000: w=10, h=round(10/(3/4))=13, top=(1000-13)//2=493
        assertEquals(new CropBox(493, 0, 13, 10), train.sampleCrop(10, 1000, new SplittableRandom(1)));
    }

    @Test
    void writesIntoAnIndArraySlice() {
        ImageTransform eval = ImageTransform.eval(4);
        INDArray batch = Nd4j.zeros(DataType.FLOAT, 2, 3, 4, 4);
        try (Mat image = rgbImage(8, 8, (y, x, c) -> 255)) {
            eval.apply(image, null, batch.get(NDArrayIndex.point(1), NDArrayIndex.all(), NDArrayIndex.all(),
                    NDArrayIndex.all()));
        }
        assertEquals(0f, batch.getFloat(0, 0, 0, 0), 0f);
        assertEquals((1f - MEAN[2]) / STD[2], batch.getFloat(1, 2, 3, 3), 1e-6f);
        assertThrows(IllegalArgumentException.class, () -> {
            try (Mat image = rgbImage(8, 8, (y, x, c) -> 0)) {
                eval.apply(image, null, Nd4j.zeros(DataType.FLOAT, 3, 5, 5));
            }
        });
    }

    @Test
    void invalidConfigurationsAreRejected() {
        assertThrows(IllegalArgumentException.class, () -> new TrainTransform(0, 0.08, 1, 0.75, 1.33, 0.5));
        assertThrows(IllegalArgumentException.class, () -> new TrainTransform(8, 0.5, 0.1, 0.75, 1.33, 0.5));
        assertThrows(IllegalArgumentException.class, () -> new EvalTransform(8, 1.5));
    }

    private static boolean isFallback(CropBox box, int width, int height) {
        return box.top() == (height - box.height()) / 2 && box.left() == (width - box.width()) / 2
                && (box.width() == width || box.height() == height);
    }

    private interface Pixel {
        int value(int y, int x, int channel);
    }

    /** An RGB Mat (as ImageDecoder returns) filled by the function. */
    private static Mat rgbImage(int width, int height, Pixel pixel) {
        Mat mat = new Mat(height, width, CV_8UC3, new Scalar(0, 0, 0, 0));
        try (UByteIndexer idx = mat.createIndexer()) {
            for (int y = 0; y < height; y++) {
                for (int x = 0; x < width; x++) {
                    for (int c = 0; c < 3; c++) {
                        idx.put(y, x, c, pixel.value(y, x, c));
                    }
                }
            }
        }
        return mat;
    }
}
