package io.attnspark.results;

import java.util.function.Function;

/**
 * A variant against the plain backbone of the same experiment and axis values.
 *
 * @param variant the variant
 * @param plain   the plain runs it is compared with; null if there are none (then every comparison is null)
 */
public record Comparison(VariantStats variant, VariantStats plain) {

    public Comparison {
        if (plain != null && (!plain.plain() || !plain.row().equals(variant.row())
                || !plain.experiment().equals(variant.experiment()))) {
            throw new IllegalArgumentException("the baseline of " + variant.label() + " must be the plain "
                    + variant.row() + " of the same experiment, got " + plain.label());
        }
    }

    /** The metrics a table can show. */
    public enum Metric {
        TOP1("Top-1", VariantStats::top1),
        TOP5("Top-5", VariantStats::top5);

        private final String title;
        private final Function<VariantStats, Summary> summary;

        Metric(String title, Function<VariantStats, Summary> summary) {
            this.title = title;
            this.summary = summary;
        }

        public String title() {
            return title;
        }

        public Summary of(VariantStats stats) {
            return summary.apply(stats);
        }
    }

    private boolean compared() {
        return plain != null && !variant.plain();
    }

    /** Mean minus the plain mean, in percentage points; null for plain itself or without plain runs. */
    public Double delta(Metric metric) {
        return compared() ? metric.of(variant).mean() - metric.of(plain).mean() : null;
    }

    /** The paired or Welch test against plain, with its 95 % interval; null where not compared. */
    public DifferenceTest test(Metric metric) {
        return compared() ? DifferenceTest.of(metric.of(variant), metric.of(plain)) : null;
    }

    /** The test's two-sided p-value; null where not compared or not testable. */
    public Double pValue(Metric metric) {
        return compared() ? test(metric).p() : null;
    }

    public Significance significance(Metric metric) {
        return compared() ? test(metric).significance() : Significance.NO_BASELINE;
    }

    /** Extra parameters against plain, in percent of plain's; null where not compared. */
    public Double parameterOverheadPercent() {
        return compared() ? (variant.parameters() - plain.parameters()) / plain.parameters() * 100.0 : null;
    }

    /**
     * Training images/s as a multiple of plain's (below 1 = slower); null where not compared, where plain has none,
     * or where the two ran on different hardware or clusters, which says nothing about the module.
     */
    public Double throughputRatio() {
        return compared() && plain.imagesPerSecond() > 0 && sameHardware()
                ? variant.imagesPerSecond() / plain.imagesPerSecond() : null;
    }

    /** Both ran on one and the same host and Spark master. */
    public boolean sameHardware() {
        return plain != null && !variant.hardware().contains(";") && variant.hardware().equals(plain.hardware());
    }

    /** A throughput ratio from a single run on a side: one timing on a shared machine. */
    public boolean noisyThroughput() {
        return plain != null && (variant.runs() < 2 || plain.runs() < 2);
    }

    /** The table cell of {@code metric}. */
    public Cell cell(Metric metric) {
        Summary summary = metric.of(variant);
        return new Cell(summary.mean(), summary.std(), summary.seeds(), variant.replicates(), delta(metric),
                test(metric), variant.placement());
    }
}
