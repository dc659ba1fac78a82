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

/** Compares EvalTransform with torchvision 0.14 (fixtures from src/test/python/eval_transform_fixture.py). */
class EvalTransformReferenceTest {

    /**
     * Both sides round the resized image to 8 bits, OpenCV with fixed-point weights, so one intensity level
     * (1/255/0.224 = 0.0175 after normalising) of difference is allowed.
     */
    @ParameterizedTest
    @CsvSource({"upscale, 0.02", "downscale, 0.02"})
    void matchesTorchvision(String fixture, double tolerance) throws IOException, URISyntaxException {
        byte[] png;
        try (InputStream in = getClass().getResourceAsStream("/fixtures/eval_transform/" + fixture + ".png")) {
            png = in.readAllBytes();
        }
        File npy = new File(getClass().getResource("/fixtures/eval_transform/" + fixture + ".npy").toURI());
        INDArray expected = Nd4j.createFromNpyFile(npy);
        assertArrayEquals(new long[] {3, 28, 28}, expected.shape());

        float[] actual = new float[3 * 28 * 28];
        try (Mat rgb = ImageDecoder.decodeRgb(png, fixture + ".png")) {
            EvalTransform.imagenet(28).apply(rgb, null, actual, 0);
        }
        float[] reference = expected.dup('c').data().asFloat();
        double maxError = 0;
        for (int i = 0; i < actual.length; i++) {
            maxError = Math.max(maxError, Math.abs(actual[i] - reference[i]));
        }
        assertTrue(maxError <= tolerance, fixture + ": max |ours - torchvision| = " + maxError);
    }
}
