package io.attnspark.bench;

import io.attnspark.model.attention.AttentionRegistry;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Forward + backward time (gradients, no update) of every registered attention module with its default options,
 * alone in a tiny graph, against a plain 3x3 convolution on the same activation. Timed alternately round by round.
 */
public final class ModuleBenchmark {

    public static final String CONV = "conv3x3";
    static final String STEP = "forward+backward";

    /** {@code millis} and {@code ratioToConv} are null when the module cannot be built or run; {@code problem} says why. */
    public record Row(String name, Double millis, Double ratioToConv, String problem) { }

    private final int channels;
    private final int size;
    private final int batch;
    private final AlternatingBenchmark benchmark;

    public ModuleBenchmark(int channels, int size, int batch, int warmup, int iterations) {
        if (channels < 1 || size < 1 || batch < 1) {
            throw new IllegalArgumentException("channels, size and batch must be at least 1, got " + channels + ", "
                    + size + ", " + batch);
        }
        this.channels = channels;
        this.size = size;
        this.batch = batch;
        this.benchmark = new AlternatingBenchmark(warmup, iterations, System::nanoTime, () -> { });
    }

    /** The conv baseline first, then {@code modules} in order. */
    public List<Row> run(List<String> modules) {
        List<AlternatingBenchmark.Subject> subjects = new ArrayList<>();
        List<Row> failed = new ArrayList<>();
        subjects.add(subject(CONV, ModuleGraphs.conv3x3(channels, size, BenchNetworks.trainerSettings())));
        for (String name : modules) {
            try {
                var conf = ModuleGraphs.module(AttentionRegistry.create(name, Map.of()), channels, size,
                        BenchNetworks.trainerSettings());
                var subject = subject(name, conf);
                subject.phases().get(STEP).run();
                subjects.add(subject);
            } catch (RuntimeException e) {
                failed.add(new Row(name, null, null, ModuleCatalog.reason(e)));
            }
        }
        List<AlternatingBenchmark.Result> results = benchmark.run(subjects);
        double conv = results.get(0).medianMillis(STEP);
        List<Row> rows = new ArrayList<>();
        for (AlternatingBenchmark.Result result : results) {
            double millis = result.medianMillis(STEP);
            rows.add(new Row(result.name(), millis, millis / conv, null));
        }
        rows.addAll(failed);
        return rows;
    }

    private AlternatingBenchmark.Subject subject(String name, ComputationGraphConfiguration conf) {
        ComputationGraph graph = new ComputationGraph(conf);
        graph.init();
        Nd4j.getRandom().setSeed(7);
        INDArray input = Nd4j.rand(DataType.FLOAT, batch, channels, size, size);
        INDArray target = Nd4j.rand(DataType.FLOAT, batch, channels, size, size);
        Runnable step = () -> {
            graph.setInputs(input);
            graph.setLabels(target);
            graph.computeGradientAndScore();
        };
        return AlternatingBenchmark.Subject.clocked(name, Map.of(STEP, step));
    }

    public static String table(List<Row> rows) {
        List<String[]> cells = new ArrayList<>();
        cells.add(new String[] {"module", "fwd+bwd ms", "x conv3x3", "note"});
        for (Row row : rows) {
            cells.add(new String[] {row.name(), row.millis() == null ? "-" : ModelBenchmark.fixed(row.millis(), 2),
                    row.ratioToConv() == null ? "-" : ModelBenchmark.fixed(row.ratioToConv(), 2),
                    row.problem() == null ? "" : row.problem()});
        }
        return TextTable.render(cells, 3);
    }
}
