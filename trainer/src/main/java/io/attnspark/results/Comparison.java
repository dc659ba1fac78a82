package io.attnspark.results;

import java.util.function.Function;

/**
 * A variant against the plain backbone it was built on.
 *
 * @param variant the variant
 * @param plain   all plain runs of the same backbone; null if there are none (then every comparison is null)
 */
public record Comparison(VariantStats variant, VariantStats plain) {

    public Comparison {
        if (plain != null && (!plain.plain() || !plain.backbone().equals(variant.backbone()))) {
            throw new IllegalArgumentException("the baseline of " + variant.label() + " must be the plain "
                    + variant.backbone() + ", got " + plain.label());
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

    /** Welch's two-sided p-value against plain; null where not compared or not testable. */
    public Double pValue(Metric metric) {
        return compared() ? WelchTest.pValue(metric.of(variant).values(), metric.of(plain).values()) : null;
    }

    public Significance significance(Metric metric) {
        return compared() ? Significance.of(pValue(metric)) : Significance.NO_BASELINE;
    }

    /** Extra parameters against plain, in percent of plain's; null where not compared. */
    public Double parameterOverheadPercent() {
        return compared() ? (variant.parameters() - plain.parameters()) / plain.parameters() * 100.0 : null;
    }

    /** Training images/s as a multiple of plain's (below 1 = slower); null where not compared or plain has none. */
    public Double throughputRatio() {
        return compared() && plain.imagesPerSecond() > 0 ? variant.imagesPerSecond() / plain.imagesPerSecond() : null;
    }

    /** The table cell of {@code metric}. */
    public Cell cell(Metric metric) {
        Summary summary = metric.of(variant);
        return new Cell(summary.mean(), summary.std(), summary.runs(), delta(metric), pValue(metric),
                significance(metric), variant.placement());
    }
}
