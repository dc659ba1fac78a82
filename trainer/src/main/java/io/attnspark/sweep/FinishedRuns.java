package io.attnspark.sweep;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.attnspark.record.RunRecord;
import io.attnspark.record.RunRecordReader;
import io.attnspark.record.RunStatus;
import io.attnspark.train.config.ConfigLoader;
import io.attnspark.train.config.TrainConfig;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.Path;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The completed result records of a results directory, found by their full run config: a point is finished when a
 * completed record holds exactly the config the point would run with, so changing the base config reruns every point.
 */
final class FinishedRuns {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Map<JsonNode, String> runIdByConfig = new HashMap<>();

    private FinishedRuns() { }

    /** Reads every {@code *.json} record in {@code results} (not recursively); files that are no record are skipped. */
    static FinishedRuns in(String results, Configuration hadoop) throws IOException {
        var finished = new FinishedRuns();
        Path dir = new Path(results);
        var fs = dir.getFileSystem(hadoop);
        if (!fs.exists(dir)) {
            return finished;
        }
        var reader = new RunRecordReader(hadoop);
        for (FileStatus file : fs.listStatus(dir, p -> p.getName().endsWith(".json") && !p.getName().startsWith("_")
                && !p.getName().startsWith("."))) {
            RunRecord record;
            try {
                record = reader.read(file.getPath().toString());
            } catch (IOException notARecord) {
                continue;
            }
            if (record.status() == RunStatus.COMPLETED) {
                finished.runIdByConfig.put(canonical(record.config()), record.runId());
            }
        }
        return finished;
    }

    Optional<String> runIdOf(TrainConfig config) {
        return Optional.ofNullable(runIdByConfig.get(canonical(ConfigLoader.toMap(config))));
    }

    /** Through JSON text and back, so that a long 1 and an int 1 (or a list and an array) compare equal. */
    private static JsonNode canonical(Map<String, Object> config) {
        try {
            return JSON.readTree(JSON.writeValueAsBytes(config));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
