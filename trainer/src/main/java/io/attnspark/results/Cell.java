package io.attnspark.results;

import java.util.Locale;

/**
 * One cell of a paper-style table: a metric of a variant over its seeds.
 *
 * @param meanPercent  mean over the runs, in percent
 * @param stdPercent   sample standard deviation, in percentage points; null for a single run
 * @param runs         number of runs (seeds)
 * @param deltaPercent mean minus the plain backbone's, in percentage points; null for plain and without plain runs
 * @param pValue       Welch's two-sided p-value against plain; null where not tested
 * @param significance the marker after the delta
 * @param placement    the variant's position/stages where the cell does not show the default placement, else empty
 */
public record Cell(double meanPercent, Double stdPercent, long runs, Double deltaPercent, Double pValue,
                   Significance significance, String placement) {

    public Cell {
        if (runs < 1) {
            throw new IllegalArgumentException("a cell summarizes at least one run, got " + runs);
        }
        if (significance == null) {
            throw new IllegalArgumentException("significance must be given (NO_BASELINE where nothing is compared)");
        }
        placement = placement == null ? "" : placement;
    }

    /**
     * As in a paper: {@code 71.25 ± 0.21 (+0.85)†, n=2}; the std only with several runs, the delta only against plain,
     * then the significance marker, the number of runs, and the placement if not the default one.
     */
    public String format() {
        StringBuilder text = new StringBuilder(String.format(Locale.ROOT, "%.2f", meanPercent));
        if (stdPercent != null) {
            text.append(String.format(Locale.ROOT, " ± %.2f", stdPercent));
        }
        if (deltaPercent != null) {
            text.append(String.format(Locale.ROOT, " (%+.2f)", deltaPercent)).append(significance.marker());
        }
        text.append(", n=").append(runs);
        if (!placement.isEmpty()) {
            text.append(" [").append(placement).append(']');
        }
        return text.toString();
    }
}
