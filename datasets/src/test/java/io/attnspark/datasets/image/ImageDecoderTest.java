package io.attnspark.datasets.image;

import static org.bytedeco.opencv.global.opencv_core.CV_8UC1;
import static org.bytedeco.opencv.global.opencv_core.CV_8UC3;
import static org.bytedeco.opencv.global.opencv_core.CV_8UC4;
import static org.bytedeco.opencv.global.opencv_imgproc.COLOR_BGR2BGRA;
import static org.bytedeco.opencv.global.opencv_imgproc.cvtColor;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;

import org.bytedeco.javacpp.indexer.UByteIndexer;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Scalar;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.attnspark.datasets.TestImages;

class ImageDecoderTest {
    private static final Path IMAGEMAGICK = Path.of("/usr/bin/convert");

    @Test
    void aPngNamedJpegDecodesToRgbNotBgr() throws IOException {
        byte[] png;
        try (Mat bgr = TestImages.redLeftBlueRight(16, 8)) {
            png = TestImages.encode(bgr, ".png");
        }
        try (Mat rgb = ImageDecoder.decodeRgb(png, "n02105855_2933.JPEG")) {
            assertEquals(CV_8UC3, rgb.type());
            assertPixel(rgb, 1, 1, 255, 0, 0, 0);
            assertPixel(rgb, 1, 14, 0, 0, 255, 0);
        }
    }

    @Test
    void aGrayscaleJpegBecomesThreeEqualChannels() throws IOException {
        byte[] jpeg;
        try (Mat gray = new Mat(8, 8, CV_8UC1, new Scalar(77, 0, 0, 0))) {
            jpeg = TestImages.encode(gray, ".jpg");
        }
        try (Mat rgb = ImageDecoder.decodeRgb(jpeg, "gray.JPEG")) {
            assertEquals(3, rgb.channels());
            assertPixel(rgb, 4, 4, 77, 77, 77, 1);
        }
    }

    @Test
    void aFourChannelPngBecomesRgb() throws IOException {
        byte[] png;
        try (Mat bgr = TestImages.redLeftBlueRight(16, 8); Mat bgra = new Mat()) {
            cvtColor(bgr, bgra, COLOR_BGR2BGRA);
            assertEquals(CV_8UC4, bgra.type());
            png = TestImages.encode(bgra, ".png");
        }
        try (Mat rgb = ImageDecoder.decodeRgb(png, "rgba.JPEG")) {
            assertEquals(CV_8UC3, rgb.type());
            assertPixel(rgb, 2, 2, 255, 0, 0, 0);
            assertPixel(rgb, 2, 13, 0, 0, 255, 0);
        }
    }

    @Test
    void aCmykJpegBecomesRgbWithTheRightColours(@TempDir Path dir) throws Exception {
        assumeTrue(Files.isExecutable(IMAGEMAGICK), "ImageMagick's convert is needed to make a CMYK JPEG");
        Path rgbJpeg = dir.resolve("in.jpg");
        try (Mat bgr = TestImages.redLeftBlueRight(32, 16)) {
            Files.write(rgbJpeg, TestImages.encode(bgr, ".jpg"));
        }
        Path cmykJpeg = dir.resolve("cmyk.JPEG");
        Process convert = new ProcessBuilder(IMAGEMAGICK.toString(), rgbJpeg.toString(), "-colorspace", "CMYK",
                "jpg:" + cmykJpeg).redirectErrorStream(true).start();
        assertTrue(convert.waitFor(60, TimeUnit.SECONDS) && convert.exitValue() == 0,
                new String(convert.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
        assertTrue(isCmykJpeg(Files.readAllBytes(cmykJpeg)), "convert must have written a 4-component JPEG");

        try (Mat rgb = ImageDecoder.decodeRgb(Files.readAllBytes(cmykJpeg), "cmyk.JPEG")) {
            assertEquals(CV_8UC3, rgb.type());
            assertPixel(rgb, 8, 4, 255, 0, 0, 40);
            assertPixel(rgb, 8, 27, 0, 0, 255, 40);
        }
    }

    @Test
    void truncatedEmptyAndTextFilesAreRejectedNamingTheFile() {
        // big enough that the cut falls in the scan data, where OpenCV alone would still return an image
        byte[] jpeg;
        try (Mat bgr = TestImages.redLeftBlueRight(256, 256)) {
            jpeg = TestImages.encode(bgr, ".jpg");
        }
        byte[] png;
        try (Mat bgr = TestImages.redLeftBlueRight(64, 64)) {
            png = TestImages.encode(bgr, ".png");
        }
        assertRejected(Arrays.copyOf(jpeg, jpeg.length / 2), "half.JPEG", "truncated");
        assertRejected(Arrays.copyOf(jpeg, jpeg.length - 2), "no-end-marker.JPEG", "truncated");
        assertRejected(Arrays.copyOf(jpeg, 20), "header.JPEG", "");
        assertRejected(Arrays.copyOf(png, png.length / 2), "half.png", "");
        assertRejected(new byte[0], "empty.JPEG", "0 bytes");
        assertRejected(null, "null.JPEG", "0 bytes");
        assertRejected("hello, this is not an image\n".getBytes(StandardCharsets.US_ASCII), "notes.JPEG", "OpenCV");
    }

    @Test
    void trailingBytesAfterTheEndOfAJpegAreAccepted() throws IOException {
        byte[] jpeg;
        try (Mat bgr = TestImages.redLeftBlueRight(64, 64)) {
            jpeg = TestImages.encode(bgr, ".jpg");
        }
        try (Mat rgb = ImageDecoder.decodeRgb(Arrays.copyOf(jpeg, jpeg.length + 5000), "padded.JPEG")) {
            assertPixel(rgb, 10, 5, 255, 0, 0, 2);
        }
    }

    private static void assertRejected(byte[] bytes, String name, String reason) {
        ImageDecodeException e = assertThrows(ImageDecodeException.class, () -> ImageDecoder.decodeRgb(bytes, name));
        assertEquals(name, e.fileName());
        assertTrue(e.getMessage().contains(name) && e.getMessage().contains(reason), e.getMessage());
    }

    /** A JPEG whose start-of-frame says 4 components. */
    private static boolean isCmykJpeg(byte[] b) {
        for (int i = 2; i + 9 < b.length; i++) {
            int marker = b[i + 1] & 0xFF;
            if ((b[i] & 0xFF) == 0xFF && (marker == 0xC0 || marker == 0xC1 || marker == 0xC2)) {
                return (b[i + 9] & 0xFF) == 4;
            }
        }
        return false;
    }

    private static void assertPixel(Mat rgb, int y, int x, int r, int g, int b, int tolerance) {
        try (UByteIndexer idx = rgb.createIndexer()) {
            int[] actual = {idx.get(y, x, 0), idx.get(y, x, 1), idx.get(y, x, 2)};
            int[] expected = {r, g, b};
            for (int c = 0; c < 3; c++) {
                assertTrue(Math.abs(actual[c] - expected[c]) <= tolerance, "pixel (" + y + "," + x + ") is "
                        + Arrays.toString(actual) + ", expected RGB " + Arrays.toString(expected));
            }
        }
    }
}
