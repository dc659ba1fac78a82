package io.attnspark.results;

import java.util.Locale;

/**
 * One cell of a paper-style table: a metric of a variant over its seeds.
 *
 * @param meanPercent  mean over the seeds, in percent
 * @param stdPercent   sample standard deviation over the seeds, in percentage points; null for a single seed
 * @param seeds        distinct seeds
 * @param replicates   further runs that repeated one of those seeds (averaged into it, not counted in n)
 * @param deltaPercent mean minus the plain backbone's, in percentage points; null for plain and without plain runs
 * @param test         the test against plain; null where there is no delta
 * @param placement    the variant's position/stages where the cell does not show the default placement, else empty
 */
public record Cell(double meanPercent, Double stdPercent, int seeds, long replicates, Double deltaPercent,
                   DifferenceTest test, String placement) {

    public Cell {
        if (seeds < 1) {
            throw new IllegalArgumentException("a cell summarizes at least one seed, got " + seeds);
        }
        placement = placement == null ? "" : placement;
    }

    public Significance significance() {
        return test == null ? Significance.NO_BASELINE : test.significance();
    }

    public Double pValue() {
        return test == null ? null : test.p();
    }

    /**
     * As in a paper, e.g. {@code 83.20 ± 0.14 (+2.00 [+0.73, +3.27] paired), n=2}: the std only with several seeds,
     * the delta with its 95 % interval and test only against plain, then the marker, the seeds, replicates if any,
     * and the placement if not the default one.
     */
    public String format() {
        StringBuilder text = new StringBuilder(String.format(Locale.ROOT, "%.2f", meanPercent));
        if (stdPercent != null) {
            text.append(String.format(Locale.ROOT, " ± %.2f", stdPercent));
        }
        if (deltaPercent != null && test.kind() == DifferenceTest.Kind.NONE) {
            text.append(String.format(Locale.ROOT, " (%+.2f, untested)", deltaPercent));
        } else if (deltaPercent != null) {
            text.append(String.format(Locale.ROOT, " (%+.2f %s)", deltaPercent, test.describe()))
                    .append(significance().marker());
        }
        text.append(", n=").append(seeds);
        if (replicates > 0) {
            text.append(" +").append(replicates).append(" replicate").append(replicates > 1 ? "s" : "");
        }
        if (!placement.isEmpty()) {
            text.append(" [").append(placement).append(']');
        }
        return text.toString();
    }
}
