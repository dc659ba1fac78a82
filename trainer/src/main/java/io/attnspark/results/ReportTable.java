package io.attnspark.results;

import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;

/**
 * A rendered table of the report.
 *
 * @param title        heading, e.g. {@code Top-1 (%)}
 * @param caption      how to read the cells
 * @param header       column titles
 * @param labelColumns how many leading columns are labels (left aligned); the rest are numbers (right aligned)
 * @param rows         cell texts, each row as long as the header
 */
public record ReportTable(String title, String caption, List<String> header, int labelColumns,
                          List<List<String>> rows) {

    public ReportTable {
        header = List.copyOf(header);
        rows = rows.stream().map(List::copyOf).toList();
        if (labelColumns < 0 || labelColumns > header.size()) {
            throw new IllegalArgumentException("labelColumns must be in [0, " + header.size() + "], got "
                    + labelColumns);
        }
        for (List<String> row : rows) {
            if (row.size() != header.size()) {
                throw new IllegalArgumentException("table '" + title + "': row " + row + " has " + row.size()
                        + " cells, the header " + header.size());
            }
        }
    }

    /** The table alone, as GitHub-flavoured Markdown. */
    public String toMarkdown() {
        StringBuilder md = new StringBuilder(markdownLine(header.stream()));
        md.append(markdownLine(IntStream.range(0, header.size()).mapToObj(i -> i < labelColumns ? "---" : "---:")));
        rows.forEach(row -> md.append(markdownLine(row.stream())));
        return md.toString();
    }

    /** Heading, caption and table, as a Markdown section. */
    public String toMarkdownSection() {
        return "## " + title + "\n\n" + caption + "\n\n" + toMarkdown();
    }

    /** The table as an HTML {@code <table>} with its caption. */
    public String toHtml() {
        StringBuilder html = new StringBuilder("<table>\n<caption><strong>").append(Html.escape(title))
                .append("</strong><br>").append(Html.escape(caption)).append("</caption>\n<thead><tr>");
        header.forEach(title -> html.append("<th>").append(Html.escape(title)).append("</th>"));
        html.append("</tr></thead>\n<tbody>\n");
        for (List<String> row : rows) {
            html.append("<tr>");
            for (int i = 0; i < row.size(); i++) {
                html.append(i < labelColumns ? "<td>" : "<td class=\"num\">").append(Html.escape(row.get(i)))
                        .append("</td>");
            }
            html.append("</tr>\n");
        }
        return html.append("</tbody>\n</table>\n").toString();
    }

    private static String markdownLine(Stream<String> cells) {
        // a '|' inside a cell would end it
        return cells.map(cell -> cell.replace("|", "\\|")).collect(Collectors.joining(" | ", "| ", " |\n"));
    }
}
