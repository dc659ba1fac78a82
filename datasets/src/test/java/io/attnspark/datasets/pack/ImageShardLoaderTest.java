package io.attnspark.datasets.pack;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.apache.commons.lang3.SerializationUtils;
import org.bytedeco.opencv.opencv_core.Mat;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.common.loader.FileBatch;
import org.nd4j.common.loader.Source;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.dataset.DataSet;

import io.attnspark.datasets.TestImages;
import io.attnspark.datasets.image.Augmentation;
import io.attnspark.datasets.image.ImageDecoder;
import io.attnspark.datasets.fashion.FashionMnistConverter;

class ImageShardLoaderTest {
    private static final List<String> CLASSES = FashionMnistConverter.CLASS_IDS;

    @TempDir
    static Path fashion;
    private static final List<byte[]> bytes = new ArrayList<>();
    private static final List<String> names = new ArrayList<>();

    @BeforeAll
    static void convertATinyFashionMnist() throws IOException {
        TestImages.fashion(fashion, 1, 1);
        // one image of each of four classes, in a mixed order
        for (String classId : List.of(CLASSES.get(7), CLASSES.get(0), CLASSES.get(9), CLASSES.get(3))) {
            try (var files = Files.list(fashion.resolve("train").resolve(classId))) {
                Path file = files.sorted().findFirst().orElseThrow();
                bytes.add(Files.readAllBytes(file));
                names.add(classId + "/" + file.getFileName());
            }
        }
    }

    @Test
    void loadsFeaturesAndOneHotLabelsMatchingTheClassIds() throws IOException {
        ImageShardLoader loader = new ImageShardLoader(CLASSES, 32, true);

        DataSet data = loader.load(source(new FileBatch(bytes, names)));

        assertArrayEquals(new long[] {4, 3, 32, 32}, data.getFeatures().shape());
        assertEquals(DataType.FLOAT, data.getFeatures().dataType());
        assertArrayEquals(new long[] {4, 10}, data.getLabels().shape());
        List<Integer> labels = new ArrayList<>();
        for (int row = 0; row < 4; row++) {
            assertEquals(1.0, data.getLabels().getRow(row).sumNumber().doubleValue(), 0.0);
            labels.add(data.getLabels().getRow(row).argMax().getInt(0));
        }
        assertEquals(List.of(0, 3, 7, 9), labels.stream().sorted().toList(), "training loads shuffle the rows");
        // normalised grayscale: every channel lies within [(0-mean)/std, (1-mean)/std]
        double min = data.getFeatures().minNumber().doubleValue();
        double max = data.getFeatures().maxNumber().doubleValue();
        assertTrue(min >= (0 - 0.485) / 0.229 - 1e-5 && max <= (1 - 0.406) / 0.225 + 1e-5, min + ".." + max);
    }

    @Test
    void evalLoadsAreDeterministicAndSurviveJavaSerialization() throws IOException {
        ImageShardLoader loader = SerializationUtils.clone(new ImageShardLoader(CLASSES, 24, false));
        DataSet first = loader.load(source(new FileBatch(bytes, names)));
        DataSet second = loader.load(source(new FileBatch(bytes, names)));
        assertEquals(first.getFeatures(), second.getFeatures());
        assertEquals(first.getLabels(), second.getLabels());
    }

    @Test
    void padCropLoadersTrainOnShiftedCropsAndEvaluateOnTheWholeImage() throws IOException {
        ImageShardLoader evalLoader = SerializationUtils.clone(
                new ImageShardLoader(CLASSES, 28, false).augmented(Augmentation.PAD_CROP, 4));
        assertEquals(Augmentation.PAD_CROP, evalLoader.augmentation());
        DataSet whole = evalLoader.load(source(new FileBatch(bytes, names)));
        float[] expected = new float[3 * 28 * 28];
        try (Mat rgb = ImageDecoder.decodeRgb(bytes.get(0), names.get(0))) {
            Augmentation.PAD_CROP.eval(28).apply(rgb, null, expected, 0);
        }
        assertArrayEquals(expected, whole.getFeatures().slice(0).dup().data().asFloat(), "the 28 px image, uncropped");
        assertNotEquals(whole.getFeatures(), new ImageShardLoader(CLASSES, 28, false).load(source(new FileBatch(bytes, names)))
                .getFeatures(), "ImageNet's evaluation crops the centre instead");

        ImageShardLoader train = new ImageShardLoader(CLASSES, 28, true).augmented(Augmentation.PAD_CROP, 4).seeded(1, 0);
        DataSet crops = SerializationUtils.clone(train).load(source(new FileBatch(bytes, names)));
        assertEquals(crops.getFeatures(), train.load(source(new FileBatch(bytes, names))).getFeatures(), "seeded");
        // rows are shuffled in training: match them by label (one image per class here)
        int shifted = 0;
        for (int row = 0; row < 4; row++) {
            int label = crops.getLabels().getRow(row).argMax().getInt(0);
            int evalRow = whole.getLabels().getColumn(label).argMax().getInt(0);
            shifted += crops.getFeatures().slice(row).equals(whole.getFeatures().slice(evalRow)) ? 0 : 1;
        }
        // seed 1 happens to draw the unshifted, unflipped crop (1 in 162) for two of the four
        assertEquals(2, shifted, "training images shifted or flipped");
        assertThrows(IllegalArgumentException.class,
                () -> new ImageShardLoader(CLASSES, 28, true).augmented(Augmentation.PAD_CROP, 28));
    }

    @Test
    void aCorruptFileOrAnUnknownClassIsSkippedNotFatal() throws IOException {
        List<byte[]> withBad = new ArrayList<>(bytes);
        List<String> withBadNames = new ArrayList<>(names);
        withBad.set(1, "this is not a JPEG".getBytes(StandardCharsets.US_ASCII));
        long skippedBefore = ImageShardLoader.skippedFileCount();

        DataSet data = new ImageShardLoader(CLASSES, 16, false).load(source(new FileBatch(withBad, withBadNames)));

        assertEquals(3, data.numExamples());
        assertEquals(1.0f, data.getLabels().getFloat(0, 7), 0f);
        assertEquals(1.0f, data.getLabels().getFloat(1, 9), 0f, "the corrupt second file is gone, rows shift up");
        assertEquals(1.0f, data.getLabels().getFloat(2, 3), 0f);
        assertEquals(skippedBefore + 1, ImageShardLoader.skippedFileCount());

        withBadNames.set(2, "n99999999/unknown.JPEG");
        DataSet fewer = new ImageShardLoader(CLASSES, 16, false).load(source(new FileBatch(withBad, withBadNames)));
        assertEquals(2, fewer.numExamples());
        assertEquals(skippedBefore + 3, ImageShardLoader.skippedFileCount());
    }

    @Test
    void trainingLoadsOrderTheShardDifferentlyEachTimeAndEvalLoadsKeepTheStoredOrder() throws IOException {
        List<byte[]> many = new ArrayList<>();
        List<String> manyNames = new ArrayList<>();
        for (int copy = 0; copy < 3; copy++) {
            many.addAll(bytes);
            manyNames.addAll(names);
        }
        FileBatch shard = new FileBatch(many, manyNames);
        ImageShardLoader train = new ImageShardLoader(CLASSES, 8, true);
        List<Integer> first = labelOrder(train.load(source(shard)));
        List<Integer> second = labelOrder(train.load(source(shard)));
        // 12 images of 4 classes: 369,600 distinct orders, so equal orders would mean no shuffle
        assertNotEquals(first, second);
        assertEquals(first.stream().sorted().toList(), second.stream().sorted().toList());

        List<Integer> stored = List.of(7, 0, 9, 3, 7, 0, 9, 3, 7, 0, 9, 3);
        assertEquals(stored, labelOrder(new ImageShardLoader(CLASSES, 8, false).load(source(shard))));
    }

    @Test
    void seededTrainingLoadsRepeatPerSeedEpochAndShardWhereverTheShardIsRead() throws IOException {
        ByteArrayOutputStream zip = new ByteArrayOutputStream();
        new FileBatch(bytes, names).writeAsZip(zip);
        Source onHdfs = new BytesSource(zip.toByteArray(), "hdfs://127.0.0.1:9000/packs/p/train/shard-00003.zip");
        Source onDisk = new BytesSource(zip.toByteArray(), "file:/data/packs/p/train/shard-00003.zip");
        Source otherShard = new BytesSource(zip.toByteArray(), "file:/data/packs/p/train/shard-00004.zip");
        ImageShardLoader loader = new ImageShardLoader(CLASSES, 32, true);

        DataSet first = loader.seeded(42, 3).load(onHdfs);
        // a separate loader object, shipped like a Spark task, reading another copy of the same shard
        DataSet again = SerializationUtils.clone(loader.seeded(42, 3)).load(onDisk);
        assertEquals(first.getFeatures(), again.getFeatures());
        assertEquals(first.getLabels(), again.getLabels());

        assertNotEquals(first.getFeatures(), loader.seeded(42, 4).load(onHdfs).getFeatures(), "next epoch, new crops");
        assertNotEquals(first.getFeatures(), loader.seeded(43, 3).load(onHdfs).getFeatures(), "another seed");
        assertNotEquals(first.getFeatures(), loader.seeded(42, 3).load(otherShard).getFeatures(), "another shard");
        assertThrows(IllegalArgumentException.class, () -> loader.seeded(42, -1));
    }

    @Test
    void aShardWithNoGoodFileIsAClearIoException() {
        FileBatch allBad = new FileBatch(List.of(new byte[0], "text".getBytes(StandardCharsets.US_ASCII)),
                List.of(CLASSES.get(0) + "/a.JPEG", CLASSES.get(1) + "/b.JPEG"));
        IOException e = assertThrows(IOException.class,
                () -> new ImageShardLoader(CLASSES, 16, true).load(source(allBad)));
        assertTrue(e.getMessage().contains("all 2 file(s)"), e.getMessage());

        IOException notZip = assertThrows(IOException.class, () -> new ImageShardLoader(CLASSES, 16, true)
                .load(new BytesSource(new byte[] {1, 2, 3}, "bogus.zip")));
        assertTrue(notZip.getMessage().contains("bogus.zip"), notZip.getMessage());
    }

    @Test
    void classIdIsTheDirectoryPartOfTheStoredName() {
        assertEquals("n01440764", ShardEntryName.classIdOf("n01440764/n01440764_10026.JPEG"));
        assertEquals("07_sneaker", ShardEntryName.classIdOf("file:/data/train/07_sneaker/train_00006.JPEG"));
        assertEquals("", ShardEntryName.classIdOf("loose.JPEG"));
        String stored = ShardEntryName.of("07_sneaker", "hdfs://nn/data/train/07_sneaker/train_00006.JPEG");
        assertEquals("07_sneaker/train_00006.JPEG", stored);
        assertEquals("07_sneaker", ShardEntryName.classIdOf(stored));
    }

    private static List<Integer> labelOrder(DataSet data) {
        List<Integer> labels = new ArrayList<>();
        for (int row = 0; row < data.numExamples(); row++) {
            labels.add(data.getLabels().getRow(row).argMax().getInt(0));
        }
        return labels;
    }

    private static Source source(FileBatch batch) throws IOException {
        ByteArrayOutputStream zip = new ByteArrayOutputStream();
        batch.writeAsZip(zip);
        return new BytesSource(zip.toByteArray(), "memory:shard.zip");
    }

    private record BytesSource(byte[] content, String path) implements Source {
        @Override
        public InputStream getInputStream() {
            return new ByteArrayInputStream(content);
        }

        @Override
        public String getPath() {
            return path;
        }
    }
}
