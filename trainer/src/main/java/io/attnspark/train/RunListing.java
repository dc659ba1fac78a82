package io.attnspark.train;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.attnspark.record.RunRecord;
import io.attnspark.record.RunRecordReader;
import io.attnspark.record.RunStatus;
import io.attnspark.train.config.ConfigLoader;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * {@code attnspark runs}: the result records under a results folder and the checkpoints under a work folder, one row
 * per run. A checkpointed run without a completed record can be resumed; its row carries the command that does it.
 */
public final class RunListing {

    /**
     * One run.
     *
     * @param summary the settings that differ from the defaults, besides backbone, attention and epochs
     * @param top1    the last epoch's top-1, or null before the first epoch ended
     * @param resume  the command that continues it, or null when there is nothing to resume
     */
    public record Row(String runId, String backbone, String attention, String summary, int epochsDone,
                      int epochsPlanned, Double top1, String status, String resume) { }

    /** The rows, and the result files that could not be read, by name. */
    public record Listing(List<Row> rows, List<String> unreadable) { }

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Set<String> IN_COLUMNS = Set.of("model.backbone", "model.attention", "recipe.epochs", "data.path");

    private RunListing() { }

    public static Listing list(String resultsUri, String workDirUri, Configuration hadoop) throws IOException {
        List<Row> rows = new ArrayList<>();
        List<String> unreadable = new ArrayList<>();
        Map<String, RunRecord> records = new HashMap<>();
        Path results = new Path(resultsUri);
        FileSystem fs = results.getFileSystem(hadoop);
        if (fs.exists(results)) {
            var reader = new RunRecordReader(hadoop);
            for (FileStatus file : fs.listStatus(results, p -> p.getName().endsWith(".json") && !p.getName().startsWith("_")
                    && !p.getName().startsWith("."))) {
                try {
                    RunRecord record = reader.read(file.getPath().toString());
                    records.put(record.runId(), record);
                } catch (IOException | RuntimeException e) {
                    unreadable.add(file.getPath().getName());
                }
            }
        }
        Path checkpoints = new Path(workDirUri.replaceAll("/+$", "") + "/checkpoints");
        Map<String, Checkpoints.State> resumable = new TreeMap<>();
        if (fs.exists(checkpoints)) {
            for (FileStatus setup : fs.listStatus(checkpoints, p -> !p.getName().startsWith("."))) {
                var state = new Checkpoints(setup.getPath().toString(), hadoop).latestState();
                if (state.isPresent() && state.get().config() != null) {
                    RunRecord record = records.get(state.get().runId());
                    if (record == null || record.status() != RunStatus.COMPLETED) {
                        resumable.put(state.get().runId(), state.get());
                    }
                }
            }
        }
        for (RunRecord record : records.values()) {
            if (!resumable.containsKey(record.runId())) {
                // a record's config is the run's whole config; a hand-made one may lack sections
                Map<String, Object> config = record.config();
                boolean whole = config.get("data") instanceof Map && config.get("recipe") instanceof Map;
                rows.add(new Row(record.runId(), record.backbone(), record.attention(), whole ? summary(config) : "",
                        record.epochs().size(), whole ? planned(config) : record.epochs().size(), record.finalTop1(),
                        record.status().name().toLowerCase(), null));
            }
        }
        for (Checkpoints.State state : resumable.values()) {
            RunRecord record = records.get(state.runId());
            Map<String, Object> config = state.config();
            Map<String, Object> model = section(config, "model");
            var epochs = state.epochs();
            rows.add(new Row(state.runId(), String.valueOf(model.get("backbone")), String.valueOf(model.get("attention")),
                    summary(config), state.epochsDone(), planned(config),
                    epochs.isEmpty() ? null : epochs.get(epochs.size() - 1).top1(),
                    record == null ? "interrupted" : record.status().name().toLowerCase(), resumeCommand(config)));
        }
        rows.sort(Comparator.comparing(Row::runId));
        return new Listing(rows, unreadable);
    }

    /** {@code attnspark train --resume} with the options that give the same setup (the settings that differ from defaults). */
    static String resumeCommand(Map<String, Object> config) {
        var command = new StringBuilder("attnspark train --resume --data ").append(quoted(String.valueOf(
                section(config, "data").get("path"))));
        differences(config).forEach((key, value) -> {
            if (!key.equals("data.path")) {
                command.append(" --set ").append(quoted(key + "=" + value));
            }
        });
        return command.toString();
    }

    /** The settings besides backbone, attention and epochs that differ from the defaults, e.g. {@code model.width=0.25}. */
    static String summary(Map<String, Object> config) {
        return differences(config).entrySet().stream()
                .filter(e -> !IN_COLUMNS.contains(e.getKey()) && (e.getKey().startsWith("model.") || e.getKey().startsWith("recipe.")))
                .map(e -> e.getKey().substring(e.getKey().indexOf('.') + 1) + "=" + e.getValue())
                .collect(Collectors.joining(" "));
    }

    /** Dotted keys whose values differ from a default config's, in key order; values as YAML flow (JSON). */
    private static Map<String, String> differences(Map<String, Object> config) {
        Map<String, Object> defaults = ConfigLoader.toMap(ConfigLoader.load(null,
                List.of("data.path=" + section(config, "data").get("path"))));
        Map<String, Object> given = flatten("", config);
        Map<String, Object> usual = flatten("", defaults);
        Map<String, String> differ = new TreeMap<>();
        given.forEach((key, value) -> {
            // what the checkpoint folder's setup key and location depend on; other spark settings may change on resume
            boolean setup = !key.startsWith("spark.") || key.equals("spark.batchSizePerWorker");
            // compared as JSON: a config read back from a file holds 42 as an Integer, a fresh one as a Long
            if (setup && value != null && !json(value).equals(json(usual.get(key)))) {
                differ.put(key, json(value));
            }
        });
        return differ;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> flatten(String prefix, Map<String, Object> map) {
        Map<String, Object> flat = new TreeMap<>();
        map.forEach((key, value) -> {
            // option maps (attentionOptions, spark.conf) stay whole: --set takes them as one YAML value
            if (value instanceof Map<?, ?> nested && prefix.isEmpty()) {
                flat.putAll(flatten(key + ".", (Map<String, Object>) nested));
            } else {
                flat.put(prefix + key, value);
            }
        });
        return flat;
    }

    private static String json(Object value) {
        try {
            return value instanceof String text ? text : JSON.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a config value always serializes", e);
        }
    }

    private static String quoted(String text) {
        return text.matches("[A-Za-z0-9._:/=@+-]+") ? text : "'" + text.replace("'", "'\\''") + "'";
    }

    private static int planned(Map<String, Object> config) {
        return ((Number) section(config, "recipe").get("epochs")).intValue();
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> section(Map<String, Object> config, String name) {
        return (Map<String, Object>) config.get(name);
    }
}
