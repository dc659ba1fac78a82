package io.attnspark.datasets.image;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.bytedeco.opencv.opencv_core.Mat;
import org.junit.jupiter.api.Test;

import io.attnspark.datasets.TestImages;

class ImageDownscaleTest {

    private static byte[] image(int width, int height, String ext) {
        try (Mat mat = TestImages.redLeftBlueRight(width, height)) {
            return TestImages.encode(mat, ext);
        }
    }

    private static int[] decodedSize(byte[] bytes) throws ImageDecodeException {
        try (Mat decoded = ImageDecoder.decodeRgb(bytes, "test")) {
            return new int[] {decoded.cols(), decoded.rows()};
        }
    }

    @Test
    void shrinksTheLongerSideToMaxSideKeepingTheAspect() throws ImageDecodeException {
        byte[] shrunk = ImageDownscale.toMaxSide(256).apply(image(640, 480, ".jpg"), "big.jpg");

        assertArrayEquals(new int[] {256, 192}, decodedSize(shrunk));
        assertArrayEquals(new int[] {256, 192}, ImageDecoder.jpegSize(shrunk), "a JPEG");
        assertArrayEquals(new int[] {96, 256}, decodedSize(ImageDownscale.toMaxSide(256).apply(image(300, 800, ".jpg"), "tall")));
    }

    @Test
    void keepsTheColoursWhereTheyWere() throws ImageDecodeException {
        byte[] shrunk = ImageDownscale.toMaxSide(64).apply(image(640, 480, ".jpg"), "big.jpg");

        try (Mat rgb = ImageDecoder.decodeRgb(shrunk, "shrunk");
             var pixels = rgb.<org.bytedeco.javacpp.indexer.UByteIndexer>createIndexer()) {
            assertEquals(255, pixels.get(24, 8, 0), 12, "red on the left");
            assertEquals(255, pixels.get(24, 56, 2), 12, "blue on the right");
        }
    }

    @Test
    void leavesImagesThatFitUntouchedAndNeverUpscales() throws ImageDecodeException {
        byte[] small = image(200, 100, ".jpg");
        byte[] exact = image(256, 128, ".jpg");

        assertSame(small, ImageDownscale.toMaxSide(256).apply(small, "small.jpg"));
        assertSame(exact, ImageDownscale.toMaxSide(256).apply(exact, "exact.jpg"));
        byte[] png = image(100, 50, ".png");
        assertSame(png, ImageDownscale.toMaxSide(256).apply(png, "small.png"), "no JPEG header: decoded to learn the size");
    }

    @Test
    void reencodesOtherFormatsAsJpeg() throws ImageDecodeException {
        byte[] shrunk = ImageDownscale.toMaxSide(100).apply(image(400, 200, ".png"), "big.png");

        assertArrayEquals(new int[] {100, 50}, ImageDecoder.jpegSize(shrunk));
    }

    @Test
    void decodesAtTheSmallestLibjpegScaleThatKeepsMaxSide() {
        var downscale = ImageDownscale.toMaxSide(256);

        assertEquals(1, downscale.reduction(500));
        assertEquals(2, downscale.reduction(512));
        assertEquals(4, downscale.reduction(1024));
        assertEquals(8, downscale.reduction(4000));
    }

    @Test
    void badSettingsAreOneLineErrors() {
        var side = assertThrows(IllegalArgumentException.class, () -> ImageDownscale.toMaxSide(0));
        assertEquals("--max-side must be a positive number of pixels (e.g. 256 or 512), got 0", side.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new ImageDownscale(256, 101));
        assertThrows(ImageDecodeException.class, () -> ImageDownscale.toMaxSide(8).apply(new byte[] {1, 2, 3}, "junk"));
    }
}
