package io.attnspark.results;

import io.attnspark.record.RunRecord;

import java.util.List;
import java.util.stream.Collectors;

/**
 * The comparison tables, one set per experiment, and what was left out of them.
 *
 * @param experiments the experiments by key; runs of different experiments are never pooled
 * @param plots       the PNG files written, relative to {@link #outDir}; empty if plots were off or nothing ran
 * @param skipped     files not aggregated, with the reason, ordered by file
 * @param runCount    number of runs aggregated
 * @param outDir      where the tables, report.html, the plots and the Parquet datasets were written
 */
public record AggregateResult(List<ExperimentReport> experiments, List<String> plots, List<SkippedFile> skipped,
                              long runCount, String outDir) {

    /** Column title of the backbone without attention. */
    public static final String PLAIN = "plain";

    public AggregateResult {
        experiments = List.copyOf(experiments);
        plots = List.copyOf(plots);
        skipped = List.copyOf(skipped);
    }

    public static String columnTitle(String attention) {
        return RunRecord.NO_ATTENTION.equals(attention) ? PLAIN : attention;
    }

    /** Every comparison of every experiment. */
    public List<Comparison> comparisons() {
        return experiments.stream().flatMap(e -> e.comparisons().stream()).toList();
    }

    /** Per experiment, its heading and main table in Markdown: final top-1 in percent, backbones x attention. */
    public String toMarkdown() {
        return experiments.stream().map(e -> "### " + e.heading() + "\n\n" + e.tables().get(0).toMarkdown())
                .collect(Collectors.joining("\n"));
    }

    /** The main tables, how to read them, the skipped files and where the outputs are, for the console. */
    public String render() {
        StringBuilder text = new StringBuilder();
        text.append(runCount).append(" run(s) in ").append(experiments.size()).append(" experiment(s); runs of "
                + "different experiments are never pooled.\n").append(PaperTables.HOW_TO_READ).append("\n\n");
        for (ExperimentReport experiment : experiments) {
            ReportTable main = experiment.tables().get(0);
            text.append(experiment.heading()).append('\n').append(main.title()).append(": ").append(main.caption())
                    .append("\n\n").append(main.toMarkdown()).append('\n');
        }
        if (!skipped.isEmpty()) {
            text.append("Skipped ").append(skipped.size()).append(" file(s):\n");
            skipped.forEach(file -> text.append("  ").append(file.file()).append(": ").append(file.reason())
                    .append('\n'));
            text.append('\n');
        }
        text.append("Written to ").append(outDir).append(": ").append(String.join(", ", Aggregator.TABLE_MD,
                Aggregator.TABLES_MD, Aggregator.TABLE_CSV, Aggregator.VARIANTS_CSV, Aggregator.REPORT_HTML,
                Aggregator.RUNS_PARQUET, Aggregator.EPOCHS_PARQUET));
        plots.forEach(plot -> text.append(", ").append(plot));
        return text.append('\n').toString();
    }
}
