package io.attnspark.datasets.pack;

import static org.bytedeco.opencv.global.opencv_imgproc.COLOR_BGR2BGRA;
import static org.bytedeco.opencv.global.opencv_imgproc.COLOR_BGR2GRAY;
import static org.bytedeco.opencv.global.opencv_imgproc.cvtColor;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.apache.hadoop.conf.Configuration;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;
import org.bytedeco.opencv.opencv_core.Mat;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.GlobalPoolingLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.PoolingType;
import org.deeplearning4j.spark.api.RDDTrainingApproach;
import org.deeplearning4j.spark.impl.graph.SparkComputationGraph;
import org.deeplearning4j.spark.impl.paramavg.ParameterAveragingTrainingMaster;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.common.loader.FileBatch;
import org.nd4j.evaluation.classification.Evaluation;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.learning.config.Sgd;
import org.nd4j.linalg.lossfunctions.LossFunctions;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.attnspark.datasets.TestImages;
import io.attnspark.datasets.imagenet.ImageLayout;
import io.attnspark.datasets.imagenet.ImageLayouts;
import io.attnspark.datasets.imagenet.ImageNetFixtures;
import io.attnspark.datasets.skip.SkipAccumulator;
import io.attnspark.datasets.skip.SkipReason;
import io.attnspark.datasets.skip.SkipTally;

/**
 * A corpus of ImageNet's real oddities through pack and train: the odd-but-valid files (PNG named .JPEG, CMYK,
 * grayscale, 4-channel PNG) are kept, the bad ones (truncated, 0-byte, text, unknown class) are skipped and counted
 * exactly per reason, at pack time in pack.json and at train time through an accumulator on the driver.
 */
class BadFileCorpusTest {
    private static final Path IMAGEMAGICK = Path.of("/usr/bin/convert");
    private static final int IMAGE_SIZE = 8;

    @TempDir
    static Path work;
    private static JavaSparkContext sc;
    private static Path corpus;
    private final Configuration conf = new Configuration();

    @BeforeAll
    static void startSparkAndWriteTheCorpus() throws Exception {
        sc = new JavaSparkContext(new SparkConf().setMaster("local[2]").setAppName("BadFileCorpusTest")
                .set("spark.ui.enabled", "false").set("spark.driver.bindAddress", "127.0.0.1")
                .set("spark.driver.host", "127.0.0.1"));
        corpus = work.resolve("corpus");
        ImageNetFixtures.write(corpus, "train/n01/good1.JPEG", "train/n01/good2.JPEG", "train/n02/good3.JPEG",
                "train/n02/good4.JPEG", "train/n02/good5.JPEG", "train/n02/good6.JPEG", "val/n01/good7.JPEG",
                "val/n02/good8.JPEG", "val/n99/unknown-class.JPEG");
        byte[] jpeg;
        try (Mat bgr = TestImages.redLeftBlueRight(256, 256)) {
            jpeg = TestImages.encode(bgr, ".jpg");
            Files.write(corpus.resolve("train/n01/png-named.JPEG"), TestImages.encode(bgr, ".png"));
            try (Mat gray = new Mat(); Mat bgra = new Mat()) {
                cvtColor(bgr, gray, COLOR_BGR2GRAY);
                Files.write(corpus.resolve("train/n01/gray.JPEG"), TestImages.encode(gray, ".jpg"));
                cvtColor(bgr, bgra, COLOR_BGR2BGRA);
                Files.write(corpus.resolve("train/n02/rgba.JPEG"), TestImages.encode(bgra, ".png"));
            }
        }
        Files.write(corpus.resolve("train/n02/cmyk.JPEG"), cmyk(jpeg));
        Files.write(corpus.resolve("train/n01/truncated.JPEG"), Arrays.copyOf(jpeg, jpeg.length / 2));
        Files.write(corpus.resolve("train/n02/empty.JPEG"), new byte[0]);
        Files.write(corpus.resolve("train/n01/notes.JPEG"), "not an image\n".getBytes(StandardCharsets.US_ASCII));
        Files.write(corpus.resolve("val/n01/empty.JPEG"), new byte[0]);
        Files.write(corpus.resolve("val/n02/truncated.JPEG"), Arrays.copyOf(jpeg, jpeg.length - 2));
    }

    @AfterAll
    static void stopSpark() {
        if (sc != null) {
            sc.stop();
        }
    }

    @Test
    void packTimeCheckLeavesBadFilesOutAndRecordsThemPerReasonInPackJson() throws IOException {
        PackedDataset packed = new ShardPacker(sc, conf).pack(ImageLayouts.open(corpus.toString(), conf),
                List.of(ImageLayout.TRAIN, ImageLayout.VAL), new PackSpec(work.resolve("checked").toString(), 4, 3L));

        assertEquals(10, packed.imageCount(ImageLayout.TRAIN), "6 plain + PNG-named, gray, RGBA, CMYK");
        assertEquals(Map.of(SkipReason.TRUNCATED, 1L, SkipReason.EMPTY_FILE, 1L, SkipReason.NOT_AN_IMAGE, 1L),
                packed.skipped(ImageLayout.TRAIN).counts());
        assertEquals(2, packed.imageCount(ImageLayout.VAL));
        assertEquals(Map.of(SkipReason.TRUNCATED, 1L, SkipReason.EMPTY_FILE, 1L, SkipReason.UNKNOWN_CLASS, 1L),
                packed.skipped(ImageLayout.VAL).counts());
        assertTrue(String.join("\n", packed.skipped(ImageLayout.TRAIN).examples()).contains("notes.JPEG"));
        assertTrue(packed.summary().contains("10 images in"), packed.summary());

        int stored = 0;
        for (String uri : packed.shardUris(ImageLayout.TRAIN)) {
            for (String name : FileBatch.readFromZip(Path.of(URI.create(uri)).toFile()).getOriginalUris()) {
                assertFalse(name.contains("empty") || name.contains("truncated") || name.contains("notes"), name);
                stored++;
            }
        }
        assertEquals(10, stored);

        JsonNode json = new ObjectMapper().readTree(work.resolve("checked/pack.json").toFile());
        JsonNode val = json.get("splits").get("val");
        assertEquals(4, val.get("listedCount").asInt(), "the unknown-class file is not listed");
        assertEquals(1, val.get("skipped").get("counts").get("UNKNOWN_CLASS").asInt());
        assertTrue(val.get("skipped").get("examples").toString().contains("unknown-class.JPEG"), val.toString());
    }

    @Test
    void withoutThePackCheckTrainingAndEvaluationSkipTheBadFilesAndCountThemOnTheDriver() throws IOException {
        PackedDataset packed = new ShardPacker(sc, conf).pack(ImageLayouts.open(corpus.toString(), conf),
                List.of(ImageLayout.TRAIN, ImageLayout.VAL),
                new PackSpec(work.resolve("unchecked").toString(), 7, 3L, false));
        assertEquals(13, packed.imageCount(ImageLayout.TRAIN));
        assertEquals(Map.of(SkipReason.UNKNOWN_CLASS, 1L), packed.skipped(ImageLayout.VAL).counts());

        // shards of 7: with 3 bad files none can be all bad, which would fail its task (and the pack check prevents)
        ParameterAveragingTrainingMaster master = new ParameterAveragingTrainingMaster.Builder(2, 7)
                .batchSizePerWorker(7).averagingFrequency(1).workerPrefetchNumBatches(0)
                .rddTrainingApproach(RDDTrainingApproach.Direct).build();
        SparkComputationGraph net = new SparkComputationGraph(sc, tinyNet(packed.numClasses()), master);
        SkipAccumulator trainSkips = SkipAccumulator.register(sc, "train skips");
        SkipAccumulator evalSkips = SkipAccumulator.register(sc, "eval skips");

        net.fitPaths(sc.parallelize(packed.shardUris(ImageLayout.TRAIN), 2),
                new ImageShardLoader(packed.classIds(), IMAGE_SIZE, true, trainSkips));
        Evaluation evaluation = (Evaluation) net.doEvaluation(sc.parallelize(packed.shardUris(ImageLayout.VAL)),
                new ImageShardLoader(packed.classIds(), IMAGE_SIZE, false, evalSkips),
                new Evaluation(packed.numClasses()))[0];

        SkipTally train = trainSkips.value();
        assertEquals(Map.of(SkipReason.TRUNCATED, 1L, SkipReason.EMPTY_FILE, 1L, SkipReason.NOT_AN_IMAGE, 1L),
                train.counts(), train.examples().toString());
        assertEquals(3, train.examples().size());
        assertEquals(Map.of(SkipReason.TRUNCATED, 1L, SkipReason.EMPTY_FILE, 1L), evalSkips.value().counts());
        assertEquals(2, evaluation.getNumRowCounter(), "the two good val images are evaluated");
        assertFalse(Double.isNaN(net.getScore()));
    }

    @Test
    void aShardSlotWhoseEveryFileIsBadGetsNoShardFile() throws IOException {
        PackedDataset packed = new ShardPacker(sc, conf).pack(ImageLayouts.open(corpus.toString(), conf),
                List.of(ImageLayout.TRAIN), new PackSpec(work.resolve("one-per-shard").toString(), 1, 3L));

        assertEquals(13, packed.manifest().splits().get(ImageLayout.TRAIN).shardCount(), "slots");
        assertEquals(3, packed.manifest().splits().get(ImageLayout.TRAIN).emptyShards().size());
        assertEquals(10, packed.shardCount(ImageLayout.TRAIN));
        for (String uri : packed.shardUris(ImageLayout.TRAIN)) {
            assertTrue(Files.isRegularFile(Path.of(URI.create(uri))), uri);
        }
    }

    @Test
    void aRerunKeepsCompleteShardsAndRewritesOneWhoseRecordIsMissing() throws IOException {
        ShardPacker packer = new ShardPacker(sc, conf);
        PackSpec spec = new PackSpec(work.resolve("rerun").toString(), 4, 5L);
        PackedDataset first = packer.pack(ImageLayouts.open(corpus.toString(), conf), List.of(ImageLayout.TRAIN), spec);
        List<String> shards = first.shardUris(ImageLayout.TRAIN);
        Path complete = Path.of(URI.create(shards.get(0)));
        Path halfWritten = Path.of(URI.create(shards.get(1)));
        byte[] halfWrittenBytes = Files.readAllBytes(halfWritten);
        Files.write(complete, new byte[] {1, 2, 3});
        // an interrupted task: the shard file is there (cut short), its record is not
        Files.write(halfWritten, Arrays.copyOf(halfWrittenBytes, 100));
        Files.delete(Path.of(halfWritten.toString().replaceFirst("\\.zip$", ".json")));

        PackedDataset second = packer.pack(ImageLayouts.open(corpus.toString(), conf), List.of(ImageLayout.TRAIN), spec);

        assertEquals(List.of((byte) 1, (byte) 2, (byte) 3), toList(Files.readAllBytes(complete)),
                "a shard with its record is complete and not rewritten");
        FileBatch original = FileBatch.readFromZip(new ByteArrayInputStream(halfWrittenBytes));
        FileBatch rewritten = FileBatch.readFromZip(halfWritten.toFile());
        assertEquals(original.getOriginalUris(), rewritten.getOriginalUris(), "the cut shard is rewritten");
        for (int i = 0; i < original.getFileBytes().size(); i++) {
            assertEquals(toList(original.getFileBytes().get(i)), toList(rewritten.getFileBytes().get(i)));
        }
        assertEquals(first.skipped(ImageLayout.TRAIN), second.skipped(ImageLayout.TRAIN),
                "skips of kept shards come from their records");
        assertEquals(first.imageCount(ImageLayout.TRAIN), second.imageCount(ImageLayout.TRAIN));
    }

    private static List<Byte> toList(byte[] bytes) {
        List<Byte> list = new ArrayList<>(bytes.length);
        for (byte b : bytes) {
            list.add(b);
        }
        return list;
    }

    /** ImageMagick's CMYK conversion; without ImageMagick the corpus holds a plain JPEG in its place. */
    private static byte[] cmyk(byte[] jpeg) throws Exception {
        if (!Files.isExecutable(IMAGEMAGICK)) {
            return jpeg;
        }
        Path in = work.resolve("rgb.jpg");
        Path out = work.resolve("cmyk.jpg");
        Files.write(in, jpeg);
        Process convert = new ProcessBuilder(IMAGEMAGICK.toString(), in.toString(), "-colorspace", "CMYK",
                "jpg:" + out).redirectErrorStream(true).start();
        assertTrue(convert.waitFor(60, TimeUnit.SECONDS) && convert.exitValue() == 0,
                new String(convert.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
        return Files.readAllBytes(out);
    }

    private static ComputationGraphConfiguration tinyNet(int classes) {
        return new NeuralNetConfiguration.Builder().seed(1).updater(new Sgd(0.01)).graphBuilder()
                .addInputs("in")
                .setInputTypes(InputType.convolutional(IMAGE_SIZE, IMAGE_SIZE, 3))
                .addLayer("pool", new GlobalPoolingLayer.Builder(PoolingType.AVG).build(), "in")
                .addLayer("out", new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nOut(classes)
                        .activation(Activation.SOFTMAX).build(), "pool")
                .setOutputs("out")
                .build();
    }
}
