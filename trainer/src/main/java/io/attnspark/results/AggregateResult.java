package io.attnspark.results;

import io.attnspark.record.RunRecord;

import java.util.List;

/**
 * The comparison tables and what was left out of them.
 *
 * @param attentions  column order: {@value RunRecord#NO_ATTENTION} (shown as {@value #PLAIN}) first, then alphabetical
 * @param rows        the main table (final top-1), one row per backbone: resnet18, resnet34, resnet50, resnet101,
 *                    then the others alphabetically
 * @param tables      every table of the report, the main one first: top-1, top-5, variants, by position, by stage
 * @param comparisons every variant against the plain runs of its backbone, in table order
 * @param plots       the PNG files written, relative to {@link #outDir}; empty if plots were off or nothing ran
 * @param skipped     files not aggregated, with the reason, ordered by file
 * @param runCount    number of runs aggregated
 * @param outDir      where the tables, report.html, the plots and the Parquet datasets were written
 */
public record AggregateResult(List<String> attentions, List<TableRow> rows, List<ReportTable> tables,
                              List<Comparison> comparisons, List<String> plots, List<SkippedFile> skipped,
                              long runCount, String outDir) {

    /** Column title of the backbone without attention. */
    public static final String PLAIN = "plain";

    public AggregateResult {
        attentions = List.copyOf(attentions);
        rows = List.copyOf(rows);
        tables = List.copyOf(tables);
        if (tables.isEmpty()) {
            throw new IllegalArgumentException("the report has at least the main table");
        }
        comparisons = List.copyOf(comparisons);
        plots = List.copyOf(plots);
        skipped = List.copyOf(skipped);
    }

    public static String columnTitle(String attention) {
        return RunRecord.NO_ATTENTION.equals(attention) ? PLAIN : attention;
    }

    /** The main table in Markdown: final top-1 in percent, backbones x attention. */
    public String toMarkdown() {
        return tables.get(0).toMarkdown();
    }

    /** The main table, how to read it, the skipped files and where the outputs are, for the console. */
    public String render() {
        StringBuilder text = new StringBuilder();
        ReportTable main = tables.get(0);
        text.append(main.title()).append(" over ").append(runCount).append(" run(s)\n").append(main.caption())
                .append("\n\n");
        text.append(toMarkdown());
        if (!skipped.isEmpty()) {
            text.append("\nSkipped ").append(skipped.size()).append(" file(s):\n");
            skipped.forEach(file -> text.append("  ").append(file.file()).append(": ").append(file.reason())
                    .append('\n'));
        }
        text.append("\nWritten to ").append(outDir).append(": ").append(String.join(", ", Aggregator.TABLE_MD,
                Aggregator.TABLES_MD, Aggregator.TABLE_CSV, Aggregator.VARIANTS_CSV, Aggregator.REPORT_HTML,
                Aggregator.RUNS_PARQUET, Aggregator.EPOCHS_PARQUET));
        plots.forEach(plot -> text.append(", ").append(plot));
        return text.append('\n').toString();
    }
}
