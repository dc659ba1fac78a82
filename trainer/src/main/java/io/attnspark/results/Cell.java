package io.attnspark.results;

import java.util.Locale;

/**
 * One backbone/attention cell of the comparison table.
 *
 * @param top1Percent  final top-1 in percent, the mean over the runs of the cell
 * @param deltaPercent top-1 minus the plain backbone's, in percentage points; null for the plain column and where the
 *                     backbone has no plain run
 * @param runs         number of runs averaged
 */
public record Cell(double top1Percent, Double deltaPercent, long runs) {

    public Cell {
        if (runs < 1) {
            throw new IllegalArgumentException("a cell averages at least one run, got " + runs);
        }
    }

    /** As in a paper: {@code 71.23 (+0.85)}, or {@code 70.38} without a delta. */
    public String format() {
        String top1 = String.format(Locale.ROOT, "%.2f", top1Percent);
        return deltaPercent == null ? top1 : top1 + String.format(Locale.ROOT, " (%+.2f)", deltaPercent);
    }
}
