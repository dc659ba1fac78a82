package io.attnspark.record;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

import java.io.IOException;

/** Reads one run record file from any Hadoop file system. */
public final class RunRecordReader {

    private final Configuration hadoopConf;

    public RunRecordReader(Configuration hadoopConf) {
        this.hadoopConf = hadoopConf;
    }

    /**
     * @param file a path or URI of a {@code <runId>.json}
     * @throws IOException if the file cannot be read, is not JSON, or is not a valid record (the message names the
     *                     file and the reason)
     */
    public RunRecord read(String file) throws IOException {
        Path path = new Path(file);
        FileSystem fs = path.getFileSystem(hadoopConf);
        byte[] json;
        try (FSDataInputStream in = fs.open(path)) {
            json = in.readAllBytes();
        }
        try {
            return RunRecordJson.fromBytes(json);
        } catch (IOException e) {
            throw new IOException("Not a valid run record: " + fs.makeQualified(path) + ": " + e.getMessage(), e);
        }
    }
}
