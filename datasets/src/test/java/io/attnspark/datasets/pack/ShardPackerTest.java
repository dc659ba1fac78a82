package io.attnspark.datasets.pack;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

import org.apache.hadoop.conf.Configuration;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.common.loader.FileBatch;
import org.nd4j.common.loader.LocalFileSource;
import org.nd4j.linalg.dataset.DataSet;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.attnspark.datasets.TestImages;
import io.attnspark.datasets.fashion.FashionMnistConverter;
import io.attnspark.datasets.image.ImageDecoder;
import io.attnspark.datasets.image.ImageDownscale;
import io.attnspark.datasets.imagenet.ImageFolderLayout;
import io.attnspark.datasets.imagenet.ImageLayout;
import io.attnspark.datasets.imagenet.LabeledImage;

class ShardPackerTest {
    private static final List<String> SPLITS = List.of(ImageLayout.TRAIN, ImageLayout.VAL);

    @TempDir
    static Path work;
    private static JavaSparkContext sc;
    private static ImageFolderLayout layout;
    private final Configuration conf = new Configuration();

    @BeforeAll
    static void startSparkAndConvert() throws IOException {
        SparkConf sparkConf = new SparkConf().setMaster("local[2]").setAppName("ShardPackerTest")
                .set("spark.ui.enabled", "false").set("spark.driver.bindAddress", "127.0.0.1")
                .set("spark.driver.host", "127.0.0.1");
        sc = new JavaSparkContext(sparkConf);
        TestImages.fashion(work.resolve("fashion"), 3, 2);
        layout = ImageFolderLayout.open(work.resolve("fashion").toUri().toString(), new Configuration());
    }

    @AfterAll
    static void stopSpark() {
        if (sc != null) {
            sc.stop();
        }
    }

    @Test
    void packsShardsOfBatchSizeWithClassIdFileNamesAndAManifest() throws IOException {
        String dst = work.resolve("packed").toUri().toString();

        PackedDataset packed = new ShardPacker(sc, conf).pack(layout, SPLITS, new PackSpec(dst, 8, 11L));

        assertEquals(FashionMnistConverter.CLASS_IDS, packed.classIds());
        assertEquals(8, packed.batchSize());
        assertEquals(30, packed.imageCount("train"));
        assertEquals(4, packed.shardCount("train"));
        assertEquals(20, packed.imageCount("val"));
        assertEquals(3, packed.shardCount("val"));
        List<String> uris = packed.shardUris("train");
        assertEquals(uris.stream().sorted().toList(), uris);
        assertTrue(uris.get(0).startsWith("file:") && uris.get(0).endsWith("/train/shard-00000.zip"), uris.get(0));

        List<Integer> sizes = new ArrayList<>();
        Set<String> allNames = new HashSet<>();
        for (String uri : uris) {
            FileBatch batch = FileBatch.readFromZip(Path.of(URI.create(uri)).toFile());
            sizes.add(batch.getFileBytes().size());
            for (String name : batch.getOriginalUris()) {
                String[] parts = name.split("/");
                assertEquals(2, parts.length, name);
                assertTrue(FashionMnistConverter.CLASS_IDS.contains(parts[0]), name);
                assertTrue(Files.isRegularFile(work.resolve("fashion/train").resolve(name)), name);
                allNames.add(name);
            }
            byte[] first = batch.getFileBytes().get(0);
            assertArrayEquals(Files.readAllBytes(work.resolve("fashion/train").resolve(batch.getOriginalUris().get(0))),
                    first, "raw file bytes are kept");
        }
        assertEquals(List.of(8, 8, 8, 6), sizes);
        assertEquals(30, allNames.size(), "every image exactly once");
        assertTrue(classesIn(uris.get(0)).size() > 1, "shuffling mixes classes within a shard");
        assertEquals(List.of(8, 8, 4), shardSizes(packed.shardUris("val")));

        JsonNode json = new ObjectMapper().readTree(work.resolve("packed/pack.json").toFile());
        assertEquals(8, json.get("batchSize").asInt());
        assertEquals(11L, json.get("seed").asLong());
        assertEquals("00_tshirt_top", json.get("classIds").get(0).asText());
        assertEquals(30, json.get("splits").get("train").get("imageCount").asInt());
        assertEquals(4, json.get("splits").get("train").get("shardCount").asInt());
        assertTrue(json.hasNonNull("createdAt"));
        try (Stream<Path> leftovers = Files.list(work.resolve("packed/train"))) {
            assertFalse(leftovers.anyMatch(p -> p.getFileName().toString().endsWith(".tmp")), "no temp files left");
        }

        // end to end: the loader reads a packed shard
        DataSet data = new ImageShardLoader(packed.classIds(), 16, true)
                .load(new LocalFileSource(Path.of(URI.create(uris.get(3))).toString()));
        assertArrayEquals(new long[] {6, 3, 16, 16}, data.getFeatures().shape());
        assertArrayEquals(new long[] {6, 10}, data.getLabels().shape());
    }

    @Test
    void maxSideStoresLargeImagesShrunkAndSmallOnesAsTheyAreAndRecordsIt() throws Exception {
        Path source = work.resolve("sizes");
        byte[] large = image(640, 480);
        byte[] small = image(120, 90);
        Files.createDirectories(source.resolve("train/a"));
        Files.createDirectories(source.resolve("train/b"));
        Files.write(source.resolve("train/a/large.jpg"), large);
        Files.write(source.resolve("train/b/small.jpg"), small);
        var sizes = ImageFolderLayout.open(source.toUri().toString(), new Configuration());
        String dst = work.resolve("downscaled").toUri().toString();
        var packer = new ShardPacker(sc, conf);

        PackedDataset packed = packer.pack(sizes, List.of("train"), new PackSpec(dst, 4, 1L, true, ImageDownscale.toMaxSide(256)));

        FileBatch batch = FileBatch.readFromZip(Path.of(URI.create(packed.shardUris("train").get(0))).toFile());
        byte[] storedLarge = batch.getFileBytes().get(batch.getOriginalUris().indexOf("a/large.jpg"));
        assertArrayEquals(new int[] {256, 192}, ImageDecoder.jpegSize(storedLarge), "the longer side shrunk to 256");
        assertArrayEquals(small, batch.getFileBytes().get(batch.getOriginalUris().indexOf("b/small.jpg")), "untouched");
        JsonNode downscale = new ObjectMapper().readTree(work.resolve("downscaled/pack.json").toFile()).get("downscale");
        assertEquals(256, downscale.get("maxSide").asInt());
        assertEquals(ImageDownscale.JPEG_QUALITY, downscale.get("jpegQuality").asInt());
        assertTrue(packed.summary().contains("images downscaled to a longer side of at most 256 px (JPEG quality 90)"),
                packed.summary());

        // another side is another pack: refused in place, another fingerprint elsewhere
        IllegalStateException other = assertThrows(IllegalStateException.class, () -> packer.pack(sizes, List.of("train"),
                new PackSpec(dst, 4, 1L, true, ImageDownscale.toMaxSide(128))));
        assertTrue(other.getMessage().contains("images downscaled to a longer side of at most 256 px (JPEG quality 90)"
                + " there, downscaled to a longer side of at most 128 px (JPEG quality 90) now"), other.getMessage());
        PackedDataset asTheyAre = packer.pack(sizes, List.of("train"),
                new PackSpec(work.resolve("as-they-are").toUri().toString(), 4, 1L));
        assertNotEquals(asTheyAre.fingerprint(), packed.fingerprint());
        assertTrue(asTheyAre.summary().contains("images stored as they are"), asTheyAre.summary());
    }

    private static byte[] image(int width, int height) {
        try (var mat = TestImages.redLeftBlueRight(width, height)) {
            return TestImages.encode(mat, ".jpg");
        }
    }

    @Test
    void theSameSeedGivesTheSameShardsAndAnotherSeedDoesNot() throws IOException {
        ShardPacker packer = new ShardPacker(sc, conf);
        PackedDataset a = packer.pack(layout, List.of("train"), new PackSpec(work.resolve("a").toString(), 8, 5L));
        PackedDataset b = packer.pack(layout, List.of("train"), new PackSpec(work.resolve("b").toString(), 8, 5L));
        PackedDataset c = packer.pack(layout, List.of("train"), new PackSpec(work.resolve("c").toString(), 8, 6L));

        assertEquals(shardContents(a), shardContents(b));
        assertNotEquals(shardContents(a), shardContents(c));
        // the content fingerprint: the same shards in another place fingerprint alike, other shards do not
        assertEquals(a.fingerprint(), b.fingerprint());
        assertNotEquals(a.fingerprint(), c.fingerprint());
        assertEquals(a.manifest().splits().get("train").shardCount(),
                a.manifest().splits().get("train").shardDigests().size());
        assertTrue(a.manifest().splits().get("train").shardDigests().stream().allMatch(d -> d.matches("[0-9a-f]{64}")));
    }

    @Test
    void aPackWrittenBeforeShardDigestsStillOpensAndHasAFingerprint() throws IOException {
        PackedDataset packed = new ShardPacker(sc, conf).pack(layout, List.of("train"),
                new PackSpec(work.resolve("undigested").toString(), 8, 5L));
        Path manifest = work.resolve("undigested/pack.json");
        ObjectNode json = (ObjectNode) new ObjectMapper().readTree(manifest.toFile());
        ((ObjectNode) json.get("splits").get("train")).remove("shardDigests");
        Files.writeString(manifest, json.toString());
        Files.deleteIfExists(work.resolve("undigested/.pack.json.crc"));

        PackedDataset old = PackedDataset.open(work.resolve("undigested").toString(), conf);

        assertEquals(List.of(), old.manifest().splits().get("train").shardDigests());
        assertNotEquals(packed.fingerprint(), old.fingerprint());
        assertEquals(old.fingerprint(), PackedDataset.open(work.resolve("undigested").toString(), conf).fingerprint());
    }

    @Test
    void aRerunSkipsExistingShardsRewritesMissingOnesAndRefusesADifferentPacking() throws IOException {
        ShardPacker packer = new ShardPacker(sc, conf);
        Path dst = work.resolve("rerun");
        PackSpec spec = new PackSpec(dst.toString(), 7, 3L);
        PackedDataset first = packer.pack(layout, List.of("train"), spec);
        Path kept = Path.of(URI.create(first.shardUris("train").get(0)));
        Path lost = Path.of(URI.create(first.shardUris("train").get(2)));
        FileTime old = FileTime.fromMillis(1_000_000_000L);
        Files.setLastModifiedTime(kept, old);
        List<List<String>> before = shardContents(first);
        Files.delete(lost);

        PackedDataset second = packer.pack(layout, List.of("train"), spec);

        assertEquals(old, Files.getLastModifiedTime(kept), "an existing shard is not rewritten");
        assertTrue(Files.isRegularFile(lost), "a missing shard is written again");
        assertEquals(before, shardContents(second));
        IllegalStateException different = assertThrows(IllegalStateException.class,
                () -> packer.pack(layout, List.of("train"), new PackSpec(dst.toString(), 9, 3L)));
        assertTrue(different.getMessage().contains("already holds a different packed dataset: batch 7 there, 9 now;"
                + " delete it"), different.getMessage());
    }

    @Test
    void aDifferentPackNamesTheClassesThatDiffer() throws IOException {
        ShardPacker packer = new ShardPacker(sc, conf);
        String dst = work.resolve("classes").toString();
        var image = new LabeledImage(layout.list("val").images().get(0).uri(), 0);
        packer.pack(List.of("a", "b"), Map.of("val", List.of(image)), new PackSpec(dst, 4, 1L));

        IllegalStateException e = assertThrows(IllegalStateException.class, () -> packer.pack(List.of("a", "c"),
                Map.of("val", List.of(image, image)), new PackSpec(dst, 4, 1L)));

        assertTrue(e.getMessage().contains("2 classes there, 2 now, no longer b, new c; val lists 1 images there, 2 now"),
                e.getMessage());
    }

    @Test
    void temporaryFilesOfAKilledPackAreDeletedByTheNextRun() throws IOException {
        ShardPacker packer = new ShardPacker(sc, conf);
        Path dst = work.resolve("killed");
        PackSpec spec = new PackSpec(dst.toString(), 7, 3L);
        packer.pack(layout, List.of("train"), spec);
        Path orphanShard = dst.resolve("train/.shard-00001.zip." + java.util.UUID.randomUUID() + ".tmp");
        Path orphanRecord = dst.resolve(".pack.json." + java.util.UUID.randomUUID() + ".tmp");
        Files.write(orphanShard, new byte[100]);
        Files.write(orphanRecord, new byte[10]);

        packer.pack(layout, List.of("train"), spec);

        assertFalse(Files.exists(orphanShard), "orphan shard temp file");
        assertFalse(Files.exists(orphanRecord), "orphan manifest temp file");
    }

    @Test
    void openingSomethingThatIsNotAPackedDatasetSaysHowToMakeOne() {
        FileNotFoundException e = assertThrows(FileNotFoundException.class,
                () -> PackedDataset.open(work.resolve("fashion").toString(), conf));
        assertTrue(e.getMessage().contains("not a packed dataset") && e.getMessage().contains("attnspark datasets pack"),
                e.getMessage());
    }

    @Test
    void anUnknownSplitIsAClearError() throws IOException {
        PackedDataset packed = new ShardPacker(sc, conf).pack(List.of("x"), Map.of(), 
                new PackSpec(work.resolve("empty").toString(), 4, 1L));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> packed.shardUris("train"));
        assertTrue(e.getMessage().contains("no split 'train'"), e.getMessage());
    }

    private static List<List<String>> shardContents(PackedDataset packed) throws IOException {
        List<List<String>> contents = new ArrayList<>();
        for (String uri : packed.shardUris("train")) {
            contents.add(FileBatch.readFromZip(Path.of(URI.create(uri)).toFile()).getOriginalUris());
        }
        return contents;
    }

    private static List<Integer> shardSizes(List<String> uris) throws IOException {
        List<Integer> sizes = new ArrayList<>();
        for (String uri : uris) {
            sizes.add(FileBatch.readFromZip(Path.of(URI.create(uri)).toFile()).getFileBytes().size());
        }
        return sizes;
    }

    private static Set<String> classesIn(String uri) throws IOException {
        Set<String> classes = new HashSet<>();
        for (String name : FileBatch.readFromZip(Path.of(URI.create(uri)).toFile()).getOriginalUris()) {
            classes.add(name.substring(0, name.indexOf('/')));
        }
        return classes;
    }
}
