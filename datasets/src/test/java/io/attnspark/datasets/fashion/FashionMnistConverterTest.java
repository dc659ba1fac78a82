package io.attnspark.datasets.fashion;

import static org.bytedeco.opencv.global.opencv_imgcodecs.IMREAD_UNCHANGED;
import static org.bytedeco.opencv.global.opencv_imgcodecs.imread;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.DataInputStream;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;

import org.bytedeco.javacpp.indexer.UByteIndexer;
import org.bytedeco.opencv.opencv_core.Mat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.attnspark.datasets.TestImages;

class FashionMnistConverterTest {

    @Test
    void writesRealJpegsWithPerClassLimitsAndSortedClassDirectories(@TempDir Path out) throws IOException {
        FashionMnistConverter.Summary summary = TestImages.fashion(out, 5, 3);

        assertEquals(50, summary.trainImages());
        assertEquals(30, summary.valImages());
        assertEquals(List.of(5, 5, 5, 5, 5, 5, 5, 5, 5, 5), summary.trainPerClass());
        List<String> trainDirs = sortedNames(out.resolve("train"));
        assertEquals(FashionMnistConverter.CLASS_IDS, trainDirs, "class ids sort in label order");
        assertEquals(FashionMnistConverter.CLASS_IDS, sortedNames(out.resolve("val")));
        for (String classId : FashionMnistConverter.CLASS_IDS) {
            assertEquals(5, sortedNames(out.resolve("train").resolve(classId)).size(), classId);
            assertEquals(3, sortedNames(out.resolve("val").resolve(classId)).size(), classId);
        }
        List<String> synsets = Files.readAllLines(out.resolve("synsets.txt"));
        assertEquals(10, synsets.size());
        assertEquals("00_tshirt_top T-shirt/top", synsets.get(0));
        assertEquals("09_ankle_boot Ankle boot", synsets.get(9));

        Path first = out.resolve("train/09_ankle_boot/train_00000.JPEG");
        assertTrue(Files.isRegularFile(first), "Fashion-MNIST's first training image is an ankle boot (label 9)");
        byte[] bytes = Files.readAllBytes(first);
        assertEquals(0xFF, bytes[0] & 0xFF);
        assertEquals(0xD8, bytes[1] & 0xFF);
        try (Mat image = imread(first.toString(), IMREAD_UNCHANGED)) {
            assertFalse(image.empty(), "OpenCV reads the JPEG");
            assertEquals(28, image.rows());
            assertEquals(28, image.cols());
            assertEquals(1, image.channels());
            assertPixelsCloseToIdx(image, firstIdxImage());
        }
    }

    @Test
    void takesTheFirstImagesOfEachClassInFileOrder(@TempDir Path out) throws IOException {
        TestImages.fashion(out, 2, 1);
        byte[] labels = idxLabels("train");
        List<String> expected = new ArrayList<>();
        int[] taken = new int[10];
        for (int i = 0; i < labels.length && expected.size() < 20; i++) {
            if (taken[labels[i]]++ < 2) {
                expected.add(FashionMnistConverter.CLASS_IDS.get(labels[i]) + "/" + String.format("train_%05d.JPEG", i));
            }
        }
        List<String> actual = new ArrayList<>();
        for (String classId : FashionMnistConverter.CLASS_IDS) {
            for (String name : sortedNames(out.resolve("train").resolve(classId))) {
                actual.add(classId + "/" + name);
            }
        }
        expected.sort(null);
        actual.sort(null);
        assertEquals(expected, actual);
    }

    @Test
    void convertingAgainWithSmallerLimitsLeavesOnlyTheNewImagesAndKeepsOtherFiles(@TempDir Path out) throws IOException {
        TestImages.fashion(out, 3, 2);
        Path own = out.resolve("train").resolve(FashionMnistConverter.CLASS_IDS.get(0)).resolve("notes.txt");
        Files.writeString(own, "mine");

        TestImages.fashion(out, 1, 1);

        for (String classId : FashionMnistConverter.CLASS_IDS) {
            assertEquals(1, sortedNames(out.resolve("val").resolve(classId)).size(), "val/" + classId);
            long images = sortedNames(out.resolve("train").resolve(classId)).stream().filter(n -> n.endsWith(".JPEG")).count();
            assertEquals(1, images, "train/" + classId);
        }
        assertTrue(Files.exists(own), "a file the converter did not write stays");
    }

    @Test
    void locateHonoursTheOverrideAndExplainsHowToInstall(@TempDir Path empty) {
        String previous = System.getProperty(FashionMnistConverter.DIR_PROPERTY);
        System.setProperty(FashionMnistConverter.DIR_PROPERTY, empty.toString());
        try {
            IllegalStateException e = assertThrows(IllegalStateException.class, FashionMnistConverter::locate);
            assertTrue(e.getMessage().contains("sudo apt-get install dataset-fashion-mnist"), e.getMessage());
            assertTrue(e.getMessage().contains(empty.toString()), e.getMessage());
        } finally {
            if (previous == null) {
                System.clearProperty(FashionMnistConverter.DIR_PROPERTY);
            } else {
                System.setProperty(FashionMnistConverter.DIR_PROPERTY, previous);
            }
        }
        assertEquals(FashionMnistConverter.DEBIAN_DIR, FashionMnistConverter.locate());
    }

    @Test
    void missingTruncatedAndCorruptIdxFilesGiveClearErrors(@TempDir Path dir) throws IOException {
        Path source = FashionMnistConverter.locate();
        for (String name : List.of("train-images-idx3-ubyte.gz", "t10k-images-idx3-ubyte.gz",
                "t10k-labels-idx1-ubyte.gz")) {
            Files.copy(source.resolve(name), dir.resolve(name));
        }
        FashionMnistConverter converter = new FashionMnistConverter(dir);
        FashionMnistConverter.Limits limits = new FashionMnistConverter.Limits(1, 1);

        FileNotFoundException missing = assertThrows(FileNotFoundException.class,
                () -> converter.convert(dir.resolve("out"), limits));
        assertTrue(missing.getMessage().contains("train-labels-idx1-ubyte.gz"), missing.getMessage());

        Path labels = dir.resolve("train-labels-idx1-ubyte.gz");
        byte[] whole = Files.readAllBytes(source.resolve("train-labels-idx1-ubyte.gz"));
        Files.write(labels, java.util.Arrays.copyOf(whole, whole.length / 2));
        IOException truncated = assertThrows(IOException.class, () -> converter.convert(dir.resolve("out"), limits));
        assertTrue(truncated.getMessage().contains("corrupt Fashion-MNIST file"), truncated.getMessage());
        assertTrue(truncated.getMessage().contains("train-labels-idx1-ubyte.gz"), truncated.getMessage());

        try (OutputStream gz = new GZIPOutputStream(Files.newOutputStream(labels))) {
            gz.write(new byte[] {0, 0, 8, 3, 0, 0, 0, 1, 0});
        }
        IOException badMagic = assertThrows(IOException.class, () -> converter.convert(dir.resolve("out"), limits));
        assertTrue(badMagic.getMessage().contains("magic number"), badMagic.getMessage());

        Files.writeString(labels, "not gzip at all", StandardCharsets.US_ASCII);
        IOException notGzip = assertThrows(IOException.class, () -> converter.convert(dir.resolve("out"), limits));
        assertTrue(notGzip.getMessage().contains("not a gzip file"), notGzip.getMessage());
    }

    @Test
    void limitsMustBePositive() {
        assertThrows(IllegalArgumentException.class, () -> new FashionMnistConverter.Limits(0, 5));
    }

    private static void assertPixelsCloseToIdx(Mat jpeg, byte[] raw) {
        double total = 0;
        try (UByteIndexer idx = jpeg.createIndexer()) {
            for (int y = 0; y < 28; y++) {
                for (int x = 0; x < 28; x++) {
                    total += Math.abs(idx.get(y, x) - (raw[y * 28 + x] & 0xFF));
                }
            }
        }
        double meanAbsError = total / (28 * 28);
        assertTrue(meanAbsError < 8, "JPEG must match the idx pixels (row-major, not transposed); mean |error| = "
                + meanAbsError);
    }

    private static byte[] firstIdxImage() throws IOException {
        try (DataInputStream in = gz("train-images-idx3-ubyte.gz")) {
            in.skipNBytes(16);
            byte[] pixels = new byte[28 * 28];
            in.readFully(pixels);
            return pixels;
        }
    }

    private static byte[] idxLabels(String prefix) throws IOException {
        try (DataInputStream in = gz(prefix + "-labels-idx1-ubyte.gz")) {
            in.skipNBytes(4);
            byte[] labels = new byte[in.readInt()];
            in.readFully(labels);
            return labels;
        }
    }

    private static DataInputStream gz(String name) throws IOException {
        InputStream raw = Files.newInputStream(FashionMnistConverter.locate().resolve(name));
        return new DataInputStream(new GZIPInputStream(raw));
    }

    private static List<String> sortedNames(Path dir) throws IOException {
        try (Stream<Path> entries = Files.list(dir)) {
            return entries.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }
}
