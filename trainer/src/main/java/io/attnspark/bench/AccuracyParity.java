package io.attnspark.bench;

import io.attnspark.results.DifferenceTest;
import org.apache.commons.math3.stat.inference.TTest;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The final top-1 of one recipe trained by attnspark and by PyTorch, seed by seed, and whether the two frameworks
 * differ: Welch's two-sided t-test at {@value DifferenceTest#ALPHA}, as the aggregator tests a module against plain.
 *
 * @param seeds     the seeds, in run order
 * @param attnspark attnspark's final top-1 per seed, in [0, 1]
 * @param torch     PyTorch's final top-1 per seed, in [0, 1]
 */
public record AccuracyParity(List<Long> seeds, List<Double> attnspark, List<Double> torch) {

    public AccuracyParity {
        seeds = List.copyOf(seeds);
        attnspark = List.copyOf(attnspark);
        torch = List.copyOf(torch);
        if (attnspark.size() != seeds.size() || torch.size() != seeds.size()) {
            throw new IllegalArgumentException("one top-1 per seed and framework: " + seeds.size() + " seeds, "
                    + attnspark.size() + " attnspark and " + torch.size() + " PyTorch results");
        }
    }

    /** Mean and sample standard deviation (n - 1; 0 for a single value), in [0, 1] like the values. */
    public record Spread(double mean, double std) {
        static Spread of(List<Double> values) {
            double mean = values.stream().mapToDouble(Double::doubleValue).average().orElse(Double.NaN);
            double squares = values.stream().mapToDouble(v -> (v - mean) * (v - mean)).sum();
            return new Spread(mean, values.size() > 1 ? Math.sqrt(squares / (values.size() - 1)) : 0);
        }

        String percent() {
            return String.format(Locale.ROOT, "%.2f ± %.2f", 100 * mean, 100 * std);
        }
    }

    public Spread attnsparkSpread() {
        return Spread.of(attnspark);
    }

    public Spread torchSpread() {
        return Spread.of(torch);
    }

    /**
     * Welch's two-sided p-value; null with fewer than two seeds or no spread on either side. Not paired: a seed means
     * different initial weights and data order in the two frameworks.
     */
    public Double pValue() {
        if (seeds.size() < 2) {
            return null;
        }
        double p = new TTest().tTest(attnspark.stream().mapToDouble(Double::doubleValue).toArray(),
                torch.stream().mapToDouble(Double::doubleValue).toArray());
        return Double.isNaN(p) ? null : p;
    }

    /** The table: a row per framework with every seed's top-1 and the mean ± std, in percent. */
    public String table(String torchVersion) {
        List<String[]> rows = new ArrayList<>();
        List<String> header = new ArrayList<>(List.of("framework"));
        seeds.forEach(seed -> header.add("seed " + seed));
        header.add("mean ± std");
        rows.add(header.toArray(String[]::new));
        rows.add(row("attnspark (DL4J)", attnspark));
        rows.add(row("PyTorch " + torchVersion, torch));
        return TextTable.render(rows);
    }

    /** One line: the difference in points, the p-value and whether it is significant. */
    public String verdict() {
        double difference = 100 * (attnsparkSpread().mean() - torchSpread().mean());
        Double p = pValue();
        String test = p == null
                ? "Welch's t-test is not possible (" + (seeds.size() < 2 ? "fewer than two seeds" : "no spread") + ")"
                : String.format(Locale.ROOT, "Welch's t-test p = %.3f: %s at %s", p,
                        p < DifferenceTest.ALPHA ? "the frameworks DIFFER significantly" : "no significant difference",
                        DifferenceTest.ALPHA);
        return String.format(Locale.ROOT, "attnspark - PyTorch: %+.2f points of top-1; %s", difference, test);
    }

    private static String[] row(String name, List<Double> values) {
        List<String> cells = new ArrayList<>(List.of(name));
        values.forEach(v -> cells.add(String.format(Locale.ROOT, "%.2f", 100 * v)));
        cells.add(Spread.of(values).percent());
        return cells.toArray(String[]::new);
    }
}
