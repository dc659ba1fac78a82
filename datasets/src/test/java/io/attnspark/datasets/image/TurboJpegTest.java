package io.attnspark.datasets.image;

import static org.bytedeco.opencv.global.opencv_imgcodecs.IMREAD_COLOR;
import static org.bytedeco.opencv.global.opencv_imgcodecs.IMREAD_REDUCED_COLOR_2;
import static org.bytedeco.opencv.global.opencv_imgcodecs.IMREAD_REDUCED_COLOR_4;
import static org.bytedeco.opencv.global.opencv_imgcodecs.IMREAD_REDUCED_COLOR_8;
import static org.bytedeco.opencv.global.opencv_imgcodecs.IMWRITE_JPEG_PROGRESSIVE;
import static org.bytedeco.opencv.global.opencv_imgcodecs.IMWRITE_JPEG_QUALITY;
import static org.bytedeco.opencv.global.opencv_imgcodecs.IMWRITE_JPEG_RST_INTERVAL;
import static org.bytedeco.opencv.global.opencv_imgcodecs.imencode;
import static org.bytedeco.opencv.global.opencv_imgproc.COLOR_BGR2GRAY;
import static org.bytedeco.opencv.global.opencv_imgproc.COLOR_BGR2RGB;
import static org.bytedeco.opencv.global.opencv_imgproc.cvtColor;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.IntPointer;
import org.bytedeco.opencv.opencv_core.Mat;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.attnspark.datasets.bench.SyntheticJpegs;

/**
 * TurboJPEG must give OpenCV's pixels, bit for bit, so that which of them a worker has changes its speed only. CI
 * installs it and sets {@code ATTNSPARK_REQUIRE_TURBOJPEG}, so there this fails instead of skipping.
 */
class TurboJpegTest {
    private static final Path IMAGEMAGICK = Path.of("/usr/bin/convert");
    private static final int[] FACTORS = {1, 2, 4, 8};

    @BeforeAll
    static void turboJpegIsThere() {
        boolean required = System.getenv("ATTNSPARK_REQUIRE_TURBOJPEG") != null;
        assertTrue(!required || TurboJpeg.instance().isPresent(),
                "ATTNSPARK_REQUIRE_TURBOJPEG is set but TurboJPEG did not load (apt-get install libturbojpeg-java libturbojpeg0-dev)");
        assumeTrue(TurboJpeg.instance().isPresent(), "TurboJPEG (Debian's libturbojpeg-java) is not installed");
    }

    @Test
    void decodesOpenCvsPixelsAtEveryScaleInBothChannelOrders(@TempDir Path dir) throws Exception {
        Map<String, byte[]> jpegs = new LinkedHashMap<>();
        List<byte[]> photos = SyntheticJpegs.of(3, 7);
        for (int i = 0; i < photos.size(); i++) {
            jpegs.put("photo-" + i, photos.get(i));
        }
        // odd sides, where the reduced sizes round up
        byte[] odd = SyntheticJpegs.of(1, 11, 333, 201).get(0);
        jpegs.put("odd", odd);
        try (Mat photo = ImageDecoder.decodeWithOpenCv(odd, "odd", IMREAD_COLOR); Mat gray = new Mat()) {
            jpegs.put("progressive", encode(photo, IMWRITE_JPEG_PROGRESSIVE, 1));
            jpegs.put("restart-intervals", encode(photo, IMWRITE_JPEG_RST_INTERVAL, 3));
            jpegs.put("quality-60", encode(photo, IMWRITE_JPEG_QUALITY, 60));
            cvtColor(photo, gray, COLOR_BGR2GRAY);
            jpegs.put("grayscale", encode(gray, IMWRITE_JPEG_QUALITY, 95));
            if (Files.isExecutable(IMAGEMAGICK)) {
                Path png = dir.resolve("odd.png");
                Files.write(png, encode(photo, ".png"));
                jpegs.put("4:4:4", imageMagick(png, dir.resolve("444.jpg"), "1x1"));
                jpegs.put("4:2:2", imageMagick(png, dir.resolve("422.jpg"), "2x1"));
            }
        }
        var turbo = TurboJpeg.instance().orElseThrow();
        List<String> compared = new ArrayList<>();
        for (var jpeg : jpegs.entrySet()) {
            for (int factor : FACTORS) {
                for (boolean rgb : new boolean[] {true, false}) {
                    String what = jpeg.getKey() + " at 1/" + factor + (rgb ? " RGB" : " BGR");
                    try (Mat expected = openCv(jpeg.getValue(), factor, rgb);
                         Mat actual = turbo.decode(jpeg.getValue(), factor, rgb).orElseThrow()) {
                        assertEquals(expected.cols(), actual.cols(), what);
                        assertEquals(expected.rows(), actual.rows(), what);
                        assertEquals(expected.type(), actual.type(), what);
                        assertArrayEquals(pixels(expected), pixels(actual), what);
                    }
                    compared.add(what);
                }
            }
        }
        assertEquals(jpegs.size() * FACTORS.length * 2, compared.size());
    }

    @Test
    void leavesFilesItRefusesToOpenCv() {
        byte[] photo = SyntheticJpegs.of(1, 3, 64, 48).get(0);
        var turbo = TurboJpeg.instance().orElseThrow();
        byte[] corrupt = photo.clone();
        // a wrong Huffman table class in the header: libjpeg stops with an error
        for (int i = 2; i + 4 < corrupt.length; i++) {
            if ((corrupt[i] & 0xFF) == 0xFF && (corrupt[i + 1] & 0xFF) == 0xC4) {
                corrupt[i + 4] = (byte) 0x77;
                break;
            }
        }
        assertTrue(turbo.decode(corrupt, 1, true).isEmpty());
        assertTrue(turbo.decode(new byte[] {(byte) 0xFF, (byte) 0xD8, (byte) 0xFF, 1, 2, 3}, 1, true).isEmpty());
    }

    private static Mat openCv(byte[] jpeg, int factor, boolean rgb) throws ImageDecodeException {
        int mode = switch (factor) {
            case 1 -> IMREAD_COLOR;
            case 2 -> IMREAD_REDUCED_COLOR_2;
            case 4 -> IMREAD_REDUCED_COLOR_4;
            default -> IMREAD_REDUCED_COLOR_8;
        };
        Mat bgr = ImageDecoder.decodeWithOpenCv(jpeg, "test", mode);
        if (rgb) {
            cvtColor(bgr, bgr, COLOR_BGR2RGB);
        }
        return bgr;
    }

    private static byte[] pixels(Mat mat) {
        byte[] bytes = new byte[(int) (mat.total() * mat.channels())];
        mat.data().get(bytes);
        return bytes;
    }

    private static byte[] encode(Mat image, int flag, int value) {
        try (BytePointer buffer = new BytePointer(); IntPointer params = new IntPointer(flag, value)) {
            assertTrue(imencode(".jpg", image, buffer, params));
            byte[] bytes = new byte[(int) buffer.limit()];
            buffer.get(bytes);
            return bytes;
        }
    }

    private static byte[] encode(Mat image, String ext) {
        try (BytePointer buffer = new BytePointer()) {
            assertTrue(imencode(ext, image, buffer));
            byte[] bytes = new byte[(int) buffer.limit()];
            buffer.get(bytes);
            return bytes;
        }
    }

    private static byte[] imageMagick(Path png, Path jpeg, String samplingFactor) throws IOException, InterruptedException {
        Process convert = new ProcessBuilder(IMAGEMAGICK.toString(), png.toString(), "-sampling-factor", samplingFactor,
                "-quality", "90", jpeg.toString()).redirectErrorStream(true).start();
        assertTrue(convert.waitFor(60, TimeUnit.SECONDS) && convert.exitValue() == 0);
        return Files.readAllBytes(jpeg);
    }
}
