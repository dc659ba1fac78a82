package io.attnspark.explain;

import static org.bytedeco.opencv.global.opencv_core.CV_8UC3;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.attnspark.datasets.image.CropBox;
import java.awt.Color;
import java.awt.image.BufferedImage;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Scalar;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.factory.Nd4j;

/** The heat map lands on the crop the network saw, the right way up: JET puts high values red, low ones blue. */
class SpatialOverlayTest {

    @Test
    void aMapPeakingBottomLeftIsRedThereBlueTopRightAndTheRestIsDimmed() {
        var map = Nd4j.zeros(DataType.FLOAT, 4, 4);
        map.putScalar(3, 0, 1.0);
        var crop = new CropBox(2, 18, 28, 28);
        BufferedImage out;
        try (Mat grey = new Mat(32, 64, CV_8UC3, new Scalar(100, 100, 100, 0))) {
            out = SpatialOverlay.render(grey, crop, map, "test", SpatialOverlay.Range.of(map), Explainer.Interpolation.NEAREST);
        }
        // 64x32 is drawn at 512x256 (x8), so the crop covers x 144..367, y 16..239
        assertEquals(512, out.getWidth());
        assertEquals(256, out.getHeight());
        // row 3, column 0 of the map; a transposed map would put the peak top right (clear of the caption band)
        Color bottomLeft = new Color(out.getRGB(144 + 4, 16 + 200));
        Color topRight = new Color(out.getRGB(144 + 219, 16 + 40));
        // JET ends in dark red (128, 0, 0) and starts in dark blue (0, 0, 128); half blended with grey 100
        assertTrue(bottomLeft.getRed() > 2 * bottomLeft.getBlue() && bottomLeft.getRed() > 2 * bottomLeft.getGreen(),
                "peak should be red: " + bottomLeft);
        assertTrue(topRight.getBlue() > 2 * topRight.getRed() && topRight.getBlue() > 2 * topRight.getGreen(),
                "the rest should be blue: " + topRight);
        Color outside = new Color(out.getRGB(20, 200));
        assertEquals(40, outside.getRed(), 1, "outside the crop the image is dimmed to 0.4");
        assertEquals(outside.getRed(), outside.getBlue());
    }

    @Test
    void nearestKeepsTheMapsCellsBilinearBlendsThemAndTheColourBarRunsBlueToRed() {
        var map = Nd4j.zeros(DataType.FLOAT, 4, 4);
        map.putScalar(1, 1, 1.0);
        var crop = new CropBox(0, 0, 64, 64);
        BufferedImage nearest;
        BufferedImage bilinear;
        try (Mat grey = new Mat(64, 64, CV_8UC3, new Scalar(100, 100, 100, 0))) {
            var range = new SpatialOverlay.Range(0, 2);
            nearest = SpatialOverlay.render(grey, crop, map, "n", range, Explainer.Interpolation.NEAREST);
            bilinear = SpatialOverlay.render(grey, crop, map, "b", range, Explainer.Interpolation.BILINEAR);
        }
        // cell (1, 1) covers 128..255 each way at 512 px: one colour from its edge to its middle with nearest
        assertEquals(nearest.getRGB(132, 192), nearest.getRGB(192, 192), "one cell, one colour");
        assertTrue(bilinear.getRGB(132, 192) != bilinear.getRGB(192, 192), "bilinear blends into the neighbours");
        // the shared range 0..2 puts the peak 1.0 mid-scale (JET's green), not red
        Color peak = new Color(nearest.getRGB(192, 192));
        assertTrue(peak.getGreen() > peak.getRed() && peak.getGreen() > peak.getBlue(), "mid-scale: " + peak);
        int barY = nearest.getHeight() - 8;
        Color left = new Color(nearest.getRGB(60, barY));
        Color right = new Color(nearest.getRGB(nearest.getWidth() - 60, barY));
        assertTrue(left.getBlue() > left.getRed(), "bar starts blue: " + left);
        assertTrue(right.getRed() > right.getBlue(), "bar ends red: " + right);
    }
}
