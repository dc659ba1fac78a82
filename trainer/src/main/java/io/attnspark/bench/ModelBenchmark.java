package io.attnspark.bench;

import io.attnspark.model.ModelSpec;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.dataset.DataSet;

/**
 * Forward (inference) and training-step (fit on one fixed batch: forward, backward, update) speed of whole networks
 * built as the trainer builds them. Several networks are timed alternately, round by round.
 */
public final class ModelBenchmark {

    public static final String FORWARD = "forward";
    public static final String TRAIN = "train";

    /** Median milliseconds per batch of one network, and the ratio of its training step to the first network's. */
    public record Row(String name, int batch, double forwardMillis, double trainMillis, double trainRatio) {

        public double forwardImagesPerSecond() {
            return batch * 1000.0 / forwardMillis;
        }

        public double trainImagesPerSecond() {
            return batch * 1000.0 / trainMillis;
        }

        /** One parseable line, the same keys bench_torch.py prints. */
        public String json() {
            return String.format(Locale.ROOT, "{\"name\": \"%s\", \"batch\": %d, \"forward_ms\": %.3f, \"train_ms\": %.3f,"
                    + " \"forward_images_per_s\": %.2f, \"train_images_per_s\": %.2f}", name, batch, forwardMillis,
                    trainMillis, forwardImagesPerSecond(), trainImagesPerSecond());
        }
    }

    private final int batch;
    private final AlternatingBenchmark benchmark;
    private final MemoryPeaks memory;

    public ModelBenchmark(int batch, int warmup, int iterations) {
        if (batch < 1) {
            throw new IllegalArgumentException("batch must be at least 1, got " + batch);
        }
        this.batch = batch;
        this.memory = new MemoryPeaks();
        this.benchmark = new AlternatingBenchmark(warmup, iterations, System::nanoTime, memory::sample);
    }

    /** Builds every network first (so that all are in memory through the whole run), then times them alternately. */
    public List<Row> run(Map<String, ModelSpec> specs) {
        return rows(run(specs, List.of()), batch);
    }

    /**
     * Like {@link #run(Map)}, with {@code others} (e.g. {@link TorchServer#subject}, phases {@value #FORWARD} and
     * {@value #TRAIN}) timed in the same rounds after the networks.
     *
     * @return the networks' results in order, then the others'
     */
    public List<AlternatingBenchmark.Result> run(Map<String, ModelSpec> specs, List<AlternatingBenchmark.Subject> others) {
        List<AlternatingBenchmark.Subject> subjects = new ArrayList<>();
        for (Map.Entry<String, ModelSpec> entry : specs.entrySet()) {
            ComputationGraph network = BenchNetworks.build(entry.getValue());
            DataSet data = BenchNetworks.randomBatch(entry.getValue(), batch, 7);
            Map<String, Runnable> phases = new LinkedHashMap<>();
            phases.put(FORWARD, () -> network.output(false, data.getFeatures()));
            phases.put(TRAIN, () -> network.fit(data));
            subjects.add(AlternatingBenchmark.Subject.clocked(entry.getKey(), phases));
        }
        subjects.addAll(others);
        return benchmark.run(subjects);
    }

    public MemoryPeaks memory() {
        return memory;
    }

    /** Median rows of results with phases {@value #FORWARD} and {@value #TRAIN}; ratios are to the first. */
    public static List<Row> rows(List<AlternatingBenchmark.Result> results, int batch) {
        List<Row> rows = new ArrayList<>();
        double firstTrain = results.get(0).medianMillis(TRAIN);
        for (AlternatingBenchmark.Result result : results) {
            double train = result.medianMillis(TRAIN);
            rows.add(new Row(result.name(), batch, result.medianMillis(FORWARD), train, train / firstTrain));
        }
        return rows;
    }

    public static String table(List<Row> rows) {
        List<String[]> cells = new ArrayList<>();
        cells.add(new String[] {"model", "forward ms", "forward img/s", "train ms", "train img/s", "train x first"});
        for (Row row : rows) {
            cells.add(new String[] {row.name(), fixed(row.forwardMillis(), 1), fixed(row.forwardImagesPerSecond(), 1),
                    fixed(row.trainMillis(), 1), fixed(row.trainImagesPerSecond(), 1), fixed(row.trainRatio(), 3)});
        }
        return TextTable.render(cells);
    }

    static String fixed(double value, int decimals) {
        return String.format(Locale.ROOT, "%." + decimals + "f", value);
    }
}
