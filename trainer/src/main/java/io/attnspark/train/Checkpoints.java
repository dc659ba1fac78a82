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
 * The JSON also carries the run's config and class ids, so that a checkpoint alone says what network it holds
 * ({@code attnspark explain}); checkpoints written before they did read with both {@code null}.
 */
public final class Checkpoints {

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    private static final Pattern STATE = Pattern.compile("epoch-(\\d{4,})\\.json");
    private static final Pattern FILE = Pattern.compile("(epoch-\\d{4,})\\.(zip|json)");
    private static final int KEEP = 2;

    /**
     * What a run had done when the checkpoint was taken. The shard order of an epoch derives from the seed and the
     * epoch number alone, so the epoch count is all the random state a resumed run needs.
     *
     * @param config   the run's config as {@link io.attnspark.train.config.ConfigLoader#toMap} gives it; null in older
     *                 checkpoints
     * @param classIds the class ids in class-index order (the classifier's outputs); null in older checkpoints
     */
    public record State(String runId, String startedAt, int epochsDone, List<EpochMetrics> epochs,
                        Map<String, Object> config, List<String> classIds) { }

    /** A restored network and its progress. */
    public record Restored(ComputationGraph network, State state) { }

    private final Path dir;
    private final Configuration hadoop;

    public Checkpoints(String dirUri, Configuration hadoop) {
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

    /**
     * The checkpoints of a setup under {@code <workDir>/checkpoints/}: {@code <backbone>-<attention>-<key>}, e.g.
     * {@code resnet18-se-469719d308ca}, so a listing says what each holds. A folder named by the key alone, as runs
     * before this naming wrote it, is still used when only it exists.
     */
    static Checkpoints forSetup(String workDir, String backbone, String attention, String key, Configuration hadoop)
            throws IOException {
        Path root = new Path(workDir.replaceAll("/+$", "") + "/checkpoints");
        Path readable = new Path(root, (backbone + "-" + attention).replaceAll("[^A-Za-z0-9._-]", "_") + "-" + key);
        Path hashOnly = new Path(root, key);
        FileSystem fs = root.getFileSystem(hadoop);
        boolean older = !fs.exists(readable) && fs.exists(hashOnly);
        return new Checkpoints((older ? hashOnly : readable).toString(), hadoop);
    }

    Path dir() {
        return dir;
    }

    public void save(ComputationGraph network, State state) throws IOException {
        String name = String.format("epoch-%04d", state.epochsDone());
        AtomicHadoopFile.write(new Path(dir, name + ".zip"), out -> ModelSerializer.writeModel(network, out, true),
                hadoop, WriteMode.OVERWRITE);
        AtomicHadoopFile.write(new Path(dir, name + ".json"), JSON.writeValueAsBytes(state), hadoop, WriteMode.OVERWRITE);
        prune(state.epochsDone());
    }

    /** The newest complete checkpoint, if any. */
    public Optional<Restored> latest() throws IOException {
        FileSystem fs = dir.getFileSystem(hadoop);
        var newest = newest(fs);
        return newest.isEmpty() ? Optional.empty() : Optional.of(restore(fs, newest.get()));
    }

    /** The progress of the newest complete checkpoint, without loading its network. */
    public Optional<State> latestState() throws IOException {
        FileSystem fs = dir.getFileSystem(hadoop);
        var newest = newest(fs);
        if (newest.isEmpty()) {
            return Optional.empty();
        }
        try (var in = fs.open(newest.get().suffix(".json"))) {
            return Optional.of(JSON.readValue((java.io.InputStream) in, State.class));
        }
    }

    private Optional<Path> newest(FileSystem fs) throws IOException {
        if (!fs.exists(dir)) {
            return Optional.empty();
        }
        var newest = Arrays.stream(fs.listStatus(dir)).map(FileStatus::getPath)
                .map(p -> STATE.matcher(p.getName())).filter(Matcher::matches)
                .mapToInt(m -> Integer.parseInt(m.group(1))).max();
        return newest.isEmpty() ? Optional.empty()
                : Optional.of(new Path(dir, String.format("epoch-%04d", newest.getAsInt())));
    }

    /**
     * One checkpoint: {@code uri} names its {@code epoch-NNNN.zip} or {@code epoch-NNNN.json}, or a checkpoint
     * directory, whose newest complete checkpoint is read.
     *
     * @throws IllegalArgumentException when there is no complete checkpoint at {@code uri}
     */
    public static Restored read(String uri, Configuration hadoop) throws IOException {
        Path path = new Path(uri);
        FileSystem fs = path.getFileSystem(hadoop);
        if (!fs.exists(path)) {
            throw new IllegalArgumentException("checkpoint " + uri + " does not exist; pass an epoch-NNNN.zip that"
                    + " training wrote under <workDir>/checkpoints/<setup>/, or that directory");
        }
        if (fs.getFileStatus(path).isDirectory()) {
            return new Checkpoints(uri, hadoop).latest().orElseThrow(() -> new IllegalArgumentException(
                    "no complete checkpoint (epoch-NNNN.zip with its .json) in " + uri));
        }
        Matcher name = FILE.matcher(path.getName());
        if (!name.matches()) {
            throw new IllegalArgumentException("checkpoint " + uri + " is not an epoch-NNNN.zip or epoch-NNNN.json");
        }
        Path base = new Path(path.getParent(), name.group(1));
        if (!fs.exists(base.suffix(".json")) || !fs.exists(base.suffix(".zip"))) {
            throw new IllegalArgumentException("checkpoint " + base + " is incomplete: it needs both .zip and .json");
        }
        return restore(fs, base);
    }

    private static Restored restore(FileSystem fs, Path base) throws IOException {
        State state;
        try (var in = fs.open(base.suffix(".json"))) {
            state = JSON.readValue((java.io.InputStream) in, State.class);
        }
        try (var in = fs.open(base.suffix(".zip"))) {
            return new Restored(MovedLayerClasses.restore(in), state);
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
