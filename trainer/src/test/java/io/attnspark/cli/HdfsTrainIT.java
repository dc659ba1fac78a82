package io.attnspark.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.attnspark.datasets.fashion.FashionMnistConverter;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.hdfs.MiniDFSCluster;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Everything on HDFS (a MiniDFSCluster on 127.0.0.1): Fashion-MNIST in ImageNet layout is packed from hdfs:// to
 * hdfs:// by the pack job, then trained for one epoch on local[2] from those packs, with HDFS as the default file
 * system (DL4J's export approach), and the checkpoint and the result record written to hdfs:// too.
 */
class HdfsTrainIT {

    @TempDir
    static java.nio.file.Path tmp;
    private static MiniDFSCluster cluster;
    private static FileSystem hdfs;

    @BeforeAll
    static void startHdfs() throws IOException {
        Configuration conf = new Configuration();
        conf.set("dfs.namenode.rpc-address", "127.0.0.1:0");
        cluster = new MiniDFSCluster.Builder(conf, tmp.resolve("dfs").toFile()).numDataNodes(1).build();
        cluster.waitActive();
        hdfs = cluster.getFileSystem();
    }

    @AfterAll
    static void stopHdfs() {
        if (cluster != null) {
            cluster.shutdown(true);
        }
    }

    @Test
    void packsTrainsCheckpointsAndRecordsOnHdfs() throws Exception {
        java.nio.file.Path local = tmp.resolve("fmnist");
        new FashionMnistConverter(FashionMnistConverter.locate()).convert(local, new FashionMnistConverter.Limits(8, 4));
        hdfs.copyFromLocalFile(new Path(local.toUri()), new Path("/imagenet"));
        String root = hdfs.getUri().toString();

        assertEquals(0, AttnSpark.commandLine().execute("datasets", "pack", "--src", root + "/imagenet",
                "--dst", root + "/packs/fmnist", "--batch", "8", "--master", "local[2]"));
        assertEquals(10, listNames(new Path("/packs/fmnist/train")).stream().filter(name -> name.endsWith(".zip")).count(),
                "80 images in shards of 8");

        // TinyRun's network and recipe; data, work, results and the default file system on HDFS
        String[] args = {"train", "--data", root + "/packs/fmnist", "--results", root + "/results",
                "--backbone", "resnet18", "--attention", "none", "--epochs", "1", "--workers", "2", "--batch", "8",
                "--master", "local[2]", "--set", "workDir=" + root + "/work", "--set", "model.width=0.25",
                "--set", "model.imageSize=32", "--set", "spark.averagingFrequency=2", "--set", "recipe.lr=0.2",
                "--set", "spark.conf={spark.ui.enabled: 'false', spark.hadoop.fs.defaultFS: '" + root + "'}"};
        assertEquals(0, AttnSpark.commandLine().execute(args));

        FileStatus[] records = hdfs.listStatus(new Path("/results"));
        assertEquals(1, records.length, Arrays.toString(records));
        JsonNode record;
        try (InputStream in = hdfs.open(records[0].getPath())) {
            record = new ObjectMapper().readTree(in);
        }
        assertEquals("completed", record.get("status").asText());
        assertEquals(2, record.get("workers").asInt());
        assertEquals(1, record.get("epochs").size());
        assertEquals(80, record.get("epochs").get(0).get("trainImages").asLong());
        assertEquals(root + "/packs/fmnist", record.get("config").get("data").get("path").asText());

        List<String> checkpoint = Arrays.stream(hdfs.listStatus(new Path("/work/checkpoints")))
                .flatMap(setup -> listNames(setup.getPath()).stream()).toList();
        assertTrue(checkpoint.stream().anyMatch(name -> name.endsWith(".json")), "checkpoint files: " + checkpoint);
        assertTrue(checkpoint.stream().anyMatch(name -> name.endsWith(".zip")), "checkpoint files: " + checkpoint);
    }

    private static List<String> listNames(Path dir) {
        try {
            return Arrays.stream(hdfs.listStatus(dir)).map(status -> status.getPath().getName()).toList();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
