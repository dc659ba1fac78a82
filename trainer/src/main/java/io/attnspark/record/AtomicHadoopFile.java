package io.attnspark.record;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.CreateFlag;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileContext;
import org.apache.hadoop.fs.Options;
import org.apache.hadoop.fs.Path;

import java.io.IOException;
import java.io.OutputStream;
import java.util.EnumSet;

/**
 * Writes a small file through the Hadoop file-system API so that no reader ever sees it half written: the bytes go to
 * the hidden {@code .<name>.tmp} next to the target, which is then renamed onto the target.
 */
public final class AtomicHadoopFile {

    private AtomicHadoopFile() {
    }

    /**
     * @param target a path or URI: {@code hdfs://...}, {@code file:///...}, or a plain path on the default file system
     * @return the fully qualified path written
     * @throws org.apache.hadoop.fs.FileAlreadyExistsException if the target exists and {@code mode} is
     *                                                         {@link WriteMode#CREATE_NEW}
     */
    public static Path write(Path target, byte[] content, Configuration conf, WriteMode mode) throws IOException {
        return write(target, out -> out.write(content), conf, mode);
    }

    /** What streams the content, for files too large to hold as one array (model checkpoints). */
    @FunctionalInterface
    public interface Content {
        void writeTo(OutputStream out) throws IOException;
    }

    /** As {@link #write(Path, byte[], Configuration, WriteMode)}, with the content streamed by {@code content}. */
    public static Path write(Path target, Content content, Configuration conf, WriteMode mode) throws IOException {
        Path qualified = target.getFileSystem(conf).makeQualified(target);
        // FileContext rather than FileSystem: only its rename has an explicit (and on HDFS atomic) overwrite option
        FileContext files = FileContext.getFileContext(qualified.toUri(), conf);
        Path temporary = temporaryFor(qualified);
        try {
            try (FSDataOutputStream out = files.create(temporary, EnumSet.of(CreateFlag.CREATE, CreateFlag.OVERWRITE),
                    Options.CreateOpts.createParent())) {
                content.writeTo(out);
            }
            files.rename(temporary, qualified,
                    mode == WriteMode.OVERWRITE ? Options.Rename.OVERWRITE : Options.Rename.NONE);
        } finally {
            if (files.util().exists(temporary)) {
                files.delete(temporary, false);
            }
        }
        return qualified;
    }

    /** Hidden (leading dot), so that Spark and {@code *.json} globs skip it while it exists. */
    static Path temporaryFor(Path target) {
        return new Path(target.getParent(), "." + target.getName() + ".tmp");
    }
}
