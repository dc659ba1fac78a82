package io.attnspark.datasets.pack;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.hdfs.MiniDFSCluster;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.common.loader.Source;
import org.nd4j.linalg.dataset.DataSet;

import io.attnspark.datasets.TestImages;
import io.attnspark.datasets.fashion.FashionMnistConverter;
import io.attnspark.datasets.imagenet.ImageFolderLayout;
import io.attnspark.datasets.imagenet.ImageLayout;
import io.attnspark.datasets.imagenet.ImageLayouts;
import io.attnspark.datasets.imagenet.ImageNetFixtures;
import io.attnspark.datasets.skip.SkipReason;

/** The layout reader and the packer on hdfs:// URIs (a MiniDFSCluster on loopback). */
class HdfsPackTest {
    @TempDir
    static Path work;
    private static MiniDFSCluster cluster;
    private static JavaSparkContext sc;

    @BeforeAll
    static void startHdfsAndSpark() throws IOException {
        Configuration conf = new Configuration();
        conf.set(MiniDFSCluster.HDFS_MINIDFS_BASEDIR, work.resolve("dfs").toString());
        cluster = new MiniDFSCluster.Builder(conf).numDataNodes(1).build();
        cluster.waitActive();
        sc = new JavaSparkContext(new SparkConf().setMaster("local[2]").setAppName("HdfsPackTest")
                .set("spark.ui.enabled", "false").set("spark.driver.bindAddress", "127.0.0.1")
                .set("spark.driver.host", "127.0.0.1"));
    }

    @AfterAll
    static void stop() {
        if (sc != null) {
            sc.stop();
        }
        if (cluster != null) {
            cluster.shutdown();
        }
    }

    @Test
    void listsPacksAndLoadsFromHdfs() throws IOException {
        Configuration conf = cluster.getConfiguration(0);
        FileSystem hdfs = cluster.getFileSystem();
        TestImages.fashion(work.resolve("fashion"), 2, 1);
        hdfs.copyFromLocalFile(new org.apache.hadoop.fs.Path(work.resolve("fashion").toUri()),
                new org.apache.hadoop.fs.Path("/imagenet"));
        String root = hdfs.getUri() + "/imagenet";

        ImageFolderLayout layout = ImageFolderLayout.open(root, conf);
        assertEquals(FashionMnistConverter.CLASS_IDS, layout.classIds());
        assertEquals(20, layout.list(ImageLayout.TRAIN).images().size());
        assertTrue(layout.list(ImageLayout.TRAIN).images().get(0).uri().startsWith("hdfs://"));

        PackedDataset packed = new ShardPacker(sc, conf).pack(layout, List.of(ImageLayout.TRAIN, ImageLayout.VAL),
                new PackSpec(hdfs.getUri() + "/packed", 6, 2L));
        assertEquals(List.of(hdfs.getUri() + "/packed/train/shard-00000.zip",
                hdfs.getUri() + "/packed/train/shard-00001.zip", hdfs.getUri() + "/packed/train/shard-00002.zip",
                hdfs.getUri() + "/packed/train/shard-00003.zip"), packed.shardUris(ImageLayout.TRAIN));
        PackedDataset reopened = PackedDataset.open(hdfs.getUri() + "/packed", conf);
        assertEquals(10, reopened.imageCount(ImageLayout.VAL));

        String last = reopened.shardUris(ImageLayout.TRAIN).get(3);
        DataSet data = new ImageShardLoader(reopened.classIds(), 8, false).load(new Source() {
            @Override
            public InputStream getInputStream() throws IOException {
                return hdfs.open(new org.apache.hadoop.fs.Path(last));
            }

            @Override
            public String getPath() {
                return last;
            }
        });
        assertArrayEquals(new long[] {2, 3, 8, 8}, data.getFeatures().shape());
    }

    @Test
    void badDataOnHdfsIsOneLineBeforeAnyPackingAndNestedFilesAreCounted() throws IOException {
        Configuration conf = cluster.getConfiguration(0);
        FileSystem hdfs = cluster.getFileSystem();
        for (String file : List.of("/one/train/a/1.JPEG", "/one/val/a/2.JPEG", "/noval/train/a/1.JPEG",
                "/noval/train/b/2.JPEG", "/nested/train/a/1.JPEG", "/nested/train/b/deep/2.JPEG", "/nested/val/a/3.JPEG")) {
            try (var out = hdfs.create(new org.apache.hadoop.fs.Path(file))) {
                out.write(1);
            }
        }
        String uri = hdfs.getUri().toString();
        var one = assertThrows(IllegalArgumentException.class,
                () -> TrainingData.check(uri + "/one", conf));
        assertTrue(one.getMessage().contains("has 1 class (a); a classifier needs at least 2"), one.getMessage());
        var noVal = assertThrows(IllegalArgumentException.class,
                () -> TrainingData.check(uri + "/noval", conf));
        assertTrue(noVal.getMessage().contains("has no val/ folder"), noVal.getMessage());
        var nested = assertThrows(IllegalArgumentException.class,
                () -> TrainingData.check(uri + "/nested", conf));
        assertTrue(nested.getMessage().contains("(train/b) (1 skipped (NESTED_FOLDER 1))"), nested.getMessage());
    }

    @Test
    void packsAKaggleLayoutFromHdfsRecordingItsUnknownClassFiles() throws IOException {
        Configuration conf = cluster.getConfiguration(0);
        FileSystem hdfs = cluster.getFileSystem();
        ImageNetFixtures.kaggle(work.resolve("kaggle"));
        hdfs.copyFromLocalFile(new org.apache.hadoop.fs.Path(work.resolve("kaggle").toUri()),
                new org.apache.hadoop.fs.Path("/kaggle"));

        ImageFolderLayout layout = ImageLayouts.open(hdfs.getUri() + "/kaggle", conf);
        PackedDataset packed = new ShardPacker(sc, conf).pack(layout, List.of(ImageLayout.TRAIN, ImageLayout.VAL),
                new PackSpec(hdfs.getUri() + "/kaggle-packed", 2, 1L));

        assertEquals(ImageLayouts.Kind.KAGGLE, layout.kind());
        assertEquals(3, packed.imageCount(ImageLayout.TRAIN));
        assertEquals(Map.of(SkipReason.UNKNOWN_CLASS, 1L), packed.skipped(ImageLayout.TRAIN).counts());
        assertEquals(2, packed.imageCount(ImageLayout.VAL));
        assertEquals(Map.of(SkipReason.UNKNOWN_CLASS, 1L), packed.skipped(ImageLayout.VAL).counts());
        assertTrue(packed.shardUris(ImageLayout.VAL).get(0).startsWith("hdfs://"));
    }
}
