package io.attnspark.bench;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;

/**
 * The training-step overhead of attention modules over the plain network, DL4J next to PyTorch, as {@code bench
 * variants} prints it. Each module is timed in its own alternating rounds together with the plain network on both
 * sides, so that every ratio compares steps taken under the same load.
 */
public final class ModuleOverheads {

    /** One framework's training step with a module: its durations, against the plain network's in the same rounds. */
    public record Overhead(double medianMillis, double minMillis, double maxMillis, double ratioOfMedians,
                           AlternatingBenchmark.RoundRatios roundRatios) {

        /**
         * @param plain  the plain network's result, timed in the same rounds
         * @param module the network with the module
         */
        public static Overhead of(AlternatingBenchmark.Result plain, AlternatingBenchmark.Result module) {
            List<Long> times = module.times(ModelBenchmark.TRAIN);
            return new Overhead(module.medianMillis(ModelBenchmark.TRAIN), Collections.min(times) / 1e6,
                    Collections.max(times) / 1e6, module.medianMillis(ModelBenchmark.TRAIN) / plain.medianMillis(ModelBenchmark.TRAIN),
                    AlternatingBenchmark.RoundRatios.of(module, plain, ModelBenchmark.TRAIN));
        }
    }

    /** A module's overhead in both frameworks. */
    public record Row(String module, Overhead dl4j, Overhead pytorch) {

        /**
         * @param results the results of one {@link AlternatingBenchmark} run in the order DL4J plain, DL4J with the
         *                module, PyTorch plain, PyTorch with the module
         */
        public static Row of(String module, List<AlternatingBenchmark.Result> results) {
            if (results.size() != 4) {
                throw new IllegalArgumentException("expected DL4J plain, DL4J " + module + ", PyTorch plain and PyTorch "
                        + module + ", got " + results.size() + " results");
            }
            return new Row(module, Overhead.of(results.get(0), results.get(1)), Overhead.of(results.get(2), results.get(3)));
        }
    }

    private ModuleOverheads() { }

    /**
     * The table: per module the median training step in ms with the range of the timed rounds, the ratio of the
     * medians to plain's, and the median and range of the per-round ratios.
     */
    public static String table(List<Row> rows) {
        List<String[]> cells = new ArrayList<>();
        cells.add(new String[] {"module", "DL4J ms (min-max)", "DL4J x plain", "DL4J per round", "PyTorch ms (min-max)",
                "PyTorch x plain", "PyTorch per round"});
        for (Row row : rows) {
            cells.add(new String[] {row.module(), millis(row.dl4j()), times(row.dl4j().ratioOfMedians()),
                    perRound(row.dl4j()), millis(row.pytorch()), times(row.pytorch().ratioOfMedians()), perRound(row.pytorch())});
        }
        return TextTable.render(cells);
    }

    private static String millis(Overhead overhead) {
        return String.format(Locale.ROOT, "%.1f (%.1f-%.1f)", overhead.medianMillis(), overhead.minMillis(), overhead.maxMillis());
    }

    private static String times(double ratio) {
        return String.format(Locale.ROOT, "%.3fx", ratio);
    }

    private static String perRound(Overhead overhead) {
        var ratios = overhead.roundRatios();
        return String.format(Locale.ROOT, "%.3fx (%.3f-%.3f)", ratios.median(), ratios.min(), ratios.max());
    }
}
