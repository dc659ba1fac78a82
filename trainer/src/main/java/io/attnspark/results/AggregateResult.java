package io.attnspark.results;

import io.attnspark.record.RunRecord;

import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The comparison table and what was left out of it.
 *
 * @param attentions column order: {@value RunRecord#NO_ATTENTION} (shown as {@value #PLAIN}) first, then alphabetical
 * @param rows       one per backbone: resnet18, resnet34, resnet50, resnet101, then the others alphabetically
 * @param skipped    files not aggregated, with the reason, ordered by file
 * @param runCount   number of runs aggregated
 * @param outDir     where table.md, table.csv, runs.parquet and epochs.parquet were written
 */
public record AggregateResult(List<String> attentions, List<TableRow> rows, List<SkippedFile> skipped, long runCount,
                              String outDir) {

    /** Column title of the backbone without attention. */
    public static final String PLAIN = "plain";
    private static final String NO_RUN = "-";

    public AggregateResult {
        attentions = List.copyOf(attentions);
        rows = List.copyOf(rows);
        skipped = List.copyOf(skipped);
    }

    public static String columnTitle(String attention) {
        return RunRecord.NO_ATTENTION.equals(attention) ? PLAIN : attention;
    }

    /** The table in Markdown: final top-1 in percent, and the change against plain on the same backbone. */
    public String toMarkdown() {
        StringBuilder md = new StringBuilder();
        md.append(markdownLine(Stream.concat(Stream.of("backbone"),
                attentions.stream().map(AggregateResult::columnTitle))));
        md.append(markdownLine(Stream.concat(Stream.of("---"), attentions.stream().map(attention -> "---:"))));
        for (TableRow row : rows) {
            md.append(markdownLine(Stream.concat(Stream.of(row.backbone()),
                    attentions.stream().map(attention -> row.cell(attention).map(Cell::format).orElse(NO_RUN)))));
        }
        return md.toString();
    }

    /** The table and the skipped files, for the console. */
    public String render() {
        StringBuilder text = new StringBuilder();
        text.append("Final top-1 (%) over ").append(runCount).append(" run(s); (+x) = change against plain on the same "
                + "backbone; - = no run\n\n");
        text.append(toMarkdown());
        if (!skipped.isEmpty()) {
            text.append("\nSkipped ").append(skipped.size()).append(" file(s):\n");
            skipped.forEach(file -> text.append("  ").append(file.file()).append(": ").append(file.reason())
                    .append('\n'));
        }
        text.append("\nWritten to ").append(outDir).append('\n');
        return text.toString();
    }

    private static String markdownLine(Stream<String> cells) {
        return cells.collect(Collectors.joining(" | ", "| ", " |\n"));
    }
}
