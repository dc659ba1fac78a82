package io.attnspark.record;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;

import java.io.IOException;

/** Writes run records as {@code <dir>/<runId>.json}, atomically, on any Hadoop file system. */
public final class RunRecordWriter {

    private final Configuration hadoopConf;

    /** @param hadoopConf e.g. {@code sparkContext.hadoopConfiguration()}, or {@code new Configuration()} */
    public RunRecordWriter(Configuration hadoopConf) {
        this.hadoopConf = hadoopConf;
    }

    /**
     * @param directory a path or URI ({@code hdfs://...}, {@code file:///...}); created if missing
     * @return the fully qualified path of the written record
     * @throws org.apache.hadoop.fs.FileAlreadyExistsException if the record exists and {@code mode} is
     *                                                         {@link WriteMode#CREATE_NEW}
     */
    public Path write(RunRecord record, String directory, WriteMode mode) throws IOException {
        return AtomicHadoopFile.write(new Path(directory, fileName(record.runId())), RunRecordJson.toBytes(record),
                hadoopConf, mode);
    }

    public static String fileName(String runId) {
        return runId + ".json";
    }
}
