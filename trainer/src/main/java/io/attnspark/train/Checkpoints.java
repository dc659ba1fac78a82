package io.attnspark.train;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.attnspark.record.AtomicHadoopFile;
import io.attnspark.record.EpochMetrics;
import io.attnspark.record.WriteMode;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.util.ModelSerializer;

import java.io.IOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Per-epoch checkpoints of one training setup, on any Hadoop file system: {@code epoch-NNNN.zip} holds the network
 * with its updater state, {@code epoch-NNNN.json} the run's progress. The JSON is written after the zip, both
 * atomically, so a checkpoint counts only once its JSON exists; a crash mid-write leaves the previous one newest.
 */
final class Checkpoints {

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    private static final Pattern STATE = Pattern.compile("epoch-(\\d{4,})\\.json");
    private static final int KEEP = 2;

    /**
     * What a run had done when the checkpoint was taken. The shard order of an epoch derives from the seed and the
     * epoch number alone, so the epoch count is all the random state a resumed run needs.
     */
    record State(String runId, String startedAt, int epochsDone, List<EpochMetrics> epochs) { }

    /** A restored network and its progress. */
    record Restored(ComputationGraph network, State state) { }

    private final Path dir;
    private final Configuration hadoop;

    Checkpoints(String dirUri, Configuration hadoop) {
        this.dir = new Path(dirUri);
        this.hadoop = hadoop;
    }

    /** Identifies a training setup: what shapes the trained weights (not where or on how many workers it runs). */
    static String setupKey(Map<String, Object> data, Map<String, Object> model, Map<String, Object> recipe, int batch) {
        try {
            var canonical = new TreeMap<String, Object>(Map.of("data", data, "model", model, "recipe", recipe, "batch", batch));
            byte[] json = JSON.copy().configure(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS, true).writeValueAsBytes(canonical);
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(json), 0, 6);
        } catch (IOException | NoSuchAlgorithmException e) {
            throw new IllegalStateException("cannot fingerprint the training setup", e);
        }
    }

    Path dir() {
        return dir;
    }

    void save(ComputationGraph network, State state) throws IOException {
        String name = String.format("epoch-%04d", state.epochsDone());
        AtomicHadoopFile.write(new Path(dir, name + ".zip"), out -> ModelSerializer.writeModel(network, out, true),
                hadoop, WriteMode.OVERWRITE);
        AtomicHadoopFile.write(new Path(dir, name + ".json"), JSON.writeValueAsBytes(state), hadoop, WriteMode.OVERWRITE);
        prune(state.epochsDone());
    }

    /** The newest complete checkpoint, if any. */
    Optional<Restored> latest() throws IOException {
        FileSystem fs = dir.getFileSystem(hadoop);
        if (!fs.exists(dir)) {
            return Optional.empty();
        }
        var newest = Arrays.stream(fs.listStatus(dir)).map(FileStatus::getPath)
                .map(p -> STATE.matcher(p.getName())).filter(Matcher::matches)
                .mapToInt(m -> Integer.parseInt(m.group(1))).max();
        if (newest.isEmpty()) {
            return Optional.empty();
        }
        String name = String.format("epoch-%04d", newest.getAsInt());
        State state;
        try (var in = fs.open(new Path(dir, name + ".json"))) {
            state = JSON.readValue((java.io.InputStream) in, State.class);
        }
        try (var in = fs.open(new Path(dir, name + ".zip"))) {
            return Optional.of(new Restored(ModelSerializer.restoreComputationGraph(in, true), state));
        }
    }

    /** Drops all but the newest {@value #KEEP}; each JSON goes before its zip, so no JSON outlives its model. */
    private void prune(int epochsDone) throws IOException {
        FileSystem fs = dir.getFileSystem(hadoop);
        for (String extension : List.of("json", "zip")) {
            Pattern old = Pattern.compile("epoch-(\\d{4,})\\." + extension);
            for (FileStatus file : fs.listStatus(dir)) {
                Matcher m = old.matcher(file.getPath().getName());
                if (m.matches() && Integer.parseInt(m.group(1)) <= epochsDone - KEEP) {
                    fs.delete(file.getPath(), false);
                }
            }
        }
    }
}
