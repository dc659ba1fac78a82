package io.attnspark.sweep;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.attnspark.record.AtomicHadoopFile;
import io.attnspark.record.WriteMode;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;

import java.io.IOException;
import java.util.List;

/**
 * The sweep index, {@code <results>/_sweep-<name>.json}: every point with its status, rewritten atomically on every
 * change so that it can be watched while the sweep runs.
 */
public record SweepIndex(String name, String results, String updated, List<PointState> points) {

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    public SweepIndex {
        points = List.copyOf(points);
    }

    public long count(PointStatus status) {
        return points.stream().filter(p -> p.status() == status).count();
    }

    static Path file(String results, String name) {
        return new Path(results, SweepSpec.indexFileName(name));
    }

    Path write(Configuration hadoop) throws IOException {
        return AtomicHadoopFile.write(file(results, name), JSON.writeValueAsBytes(this), hadoop, WriteMode.OVERWRITE);
    }

    public static SweepIndex read(String results, String name, Configuration hadoop) throws IOException {
        Path file = file(results, name);
        try (var in = file.getFileSystem(hadoop).open(file)) {
            return JSON.readValue((java.io.InputStream) in, SweepIndex.class);
        }
    }
}
