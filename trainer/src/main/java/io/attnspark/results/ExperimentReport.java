package io.attnspark.results;

import io.attnspark.record.Experiment;

import java.util.List;

/**
 * The comparisons of one experiment: runs that differ only in seed and in the compared axes.
 *
 * @param experiment  its key and the one-line summary of what it holds fixed
 * @param classes     number of classes; null where the records predate the dataset identity
 * @param comparisons every variant against the plain runs of its row, in table order
 */
public record ExperimentReport(Experiment experiment, Integer classes, List<Comparison> comparisons) {

    public ExperimentReport {
        comparisons = List.copyOf(comparisons);
    }

    PaperTables paperTables() {
        return new PaperTables(comparisons, classes);
    }

    /** Every table of the experiment, the main one first. */
    public List<ReportTable> tables() {
        return paperTables().all();
    }

    /** The main table (final top-1): rows as backbone (and axis values), attention columns. */
    public List<TableRow> rows() {
        return paperTables().rows(Comparison.Metric.TOP1);
    }

    /** The heading of the experiment's section: its key and summary. */
    public String heading() {
        return "Experiment " + experiment.key() + ": " + experiment.summary();
    }
}
