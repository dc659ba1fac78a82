package io.attnspark.datasets.image;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.net.URISyntaxException;

import org.bytedeco.opencv.opencv_core.Mat;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Compares the pad-crop augmentation and its evaluation transform with torchvision 0.14 at fixed crops (fixtures from
 * src/test/python/pad_crop_fixture.py).
 */
class PadCropTransformReferenceTest {
    private static final int PADDING = 4;

    /** At 28 px no resampling happens: the pixels must come out exactly (up to float rounding of the normalisation). */
    @ParameterizedTest
    @CsvSource({"28, 0, 8, false, 1e-6", "28, 8, 0, true, 1e-6", "28, 4, 4, false, 1e-6", "28, 2, 7, true, 1e-6",
            // upscaled first: both round the bilinear result to 8 bits, OpenCV with fixed-point weights (one level)
            "32, 3, 6, true, 0.02"})
    void trainingCropMatchesTorchvision(int size, int top, int left, boolean flip, double tolerance) throws Exception {
        float[] actual = new float[3 * size * size];
        try (Mat rgb = fixtureImage()) {
            new PadCropTransform(size, PADDING, 0.5).apply(rgb, top, left, flip, actual, 0);
        }
        assertClose(expected(String.format("train_%d_%d_%d_%s", size, top, left, flip), size), actual, tolerance);
    }

    @ParameterizedTest
    @CsvSource({"28, 1e-6", "32, 0.02"})
    void evaluationResizesWithoutCropping(int size, double tolerance) throws Exception {
        float[] actual = new float[3 * size * size];
        try (Mat rgb = fixtureImage()) {
            Augmentation.PAD_CROP.eval(size).apply(rgb, null, actual, 0);
        }
        // at 28 px the evaluation input is the training crop without shift or flip
        String fixture = size == 28 ? "train_28_4_4_false" : "eval_32";
        assertClose(expected(fixture, size), actual, tolerance);
    }

    private static Mat fixtureImage() throws IOException {
        try (InputStream in = PadCropTransformReferenceTest.class.getResourceAsStream("/fixtures/pad_crop/image28.png")) {
            return ImageDecoder.decodeRgb(in.readAllBytes(), "image28.png");
        }
    }

    private static float[] expected(String fixture, int size) throws URISyntaxException {
        File npy = new File(PadCropTransformReferenceTest.class.getResource("/fixtures/pad_crop/" + fixture + ".npy").toURI());
        INDArray expected = Nd4j.createFromNpyFile(npy);
        assertArrayEquals(new long[] {3, size, size}, expected.shape());
        return expected.dup('c').data().asFloat();
    }

    private static void assertClose(float[] reference, float[] actual, double tolerance) {
        double maxError = 0;
        for (int i = 0; i < actual.length; i++) {
            maxError = Math.max(maxError, Math.abs(actual[i] - reference[i]));
        }
        assertTrue(maxError <= tolerance, "max |ours - torchvision| = " + maxError);
    }
}
