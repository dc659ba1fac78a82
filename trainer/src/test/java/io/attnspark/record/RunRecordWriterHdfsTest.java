package io.attnspark.record;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileAlreadyExistsException;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.hdfs.MiniDFSCluster;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** HDFS renames differ from local ones (no implicit overwrite): the write modes must hold there too. */
class RunRecordWriterHdfsTest {

    @TempDir
    static java.nio.file.Path base;

    private static MiniDFSCluster hdfs;
    private static Configuration conf;

    @BeforeAll
    static void startHdfs() throws IOException {
        conf = new Configuration();
        // loopback only, on a free port
        conf.set("dfs.namenode.rpc-address", "127.0.0.1:0");
        hdfs = new MiniDFSCluster.Builder(conf, base.toFile()).numDataNodes(1).build();
        hdfs.waitActive();
    }

    @AfterAll
    static void stopHdfs() {
        hdfs.shutdown(true);
    }

    @Test
    void createNewAndOverwriteOnHdfs() throws IOException {
        String dir = hdfs.getURI() + "/results/run-records";
        RunRecordWriter writer = new RunRecordWriter(conf);
        RunRecordReader reader = new RunRecordReader(conf);
        RunRecord first = RunRecords.completed("r1", "resnet18", "se", 1, 0.70);
        RunRecord second = RunRecords.completed("r1", "resnet18", "se", 1, 0.75);

        Path written = writer.write(first, dir, WriteMode.CREATE_NEW);
        assertEquals(first, reader.read(written.toString()));

        assertThrows(FileAlreadyExistsException.class, () -> writer.write(second, dir, WriteMode.CREATE_NEW));
        assertEquals(first, reader.read(written.toString()));

        writer.write(second, dir, WriteMode.OVERWRITE);
        assertEquals(second, reader.read(written.toString()));

        FileSystem fs = written.getFileSystem(conf);
        assertEquals(List.of("r1.json"), Arrays.stream(fs.listStatus(new Path(dir)))
                .map(FileStatus::getPath).map(Path::getName).toList());
    }
}
