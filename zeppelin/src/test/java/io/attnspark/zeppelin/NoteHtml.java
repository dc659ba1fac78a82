package io.attnspark.zeppelin;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.List;

/**
 * A note as Zeppelin would show it, from its REST JSON (the web UI is not on Maven Central): each paragraph's title,
 * its markdown HTML, the bar or line chart the note configures (other charts are named) and its TABLE rows.
 */
final class NoteHtml {
    private NoteHtml() { }

    private static final int MAX_ROWS = 12;
    private static final String STYLE = """
            body { font-family: 'Helvetica Neue', Arial, sans-serif; background: #ecf0f1; margin: 0; font-size: 13px; }
            header { background: #3071a9; color: white; padding: 10px 18px; font-size: 16px; }
            header small { opacity: .8; margin-left: 12px; font-size: 12px; }
            .paragraph { background: white; margin: 10px 14px; padding: 8px 14px; border: 1px solid #ddd; }
            .paragraph h3 { font-size: 14px; margin: 4px 0 8px; color: #333; }
            .status { float: right; color: #5cb85c; font-size: 11px; }
            .status.ERROR { color: #d9534f; }
            .chart { color: #777; font-size: 11px; margin-bottom: 4px; }
            table { border-collapse: collapse; font-size: 12px; }
            th, td { border-bottom: 1px solid #e3e3e3; padding: 3px 8px; text-align: left; max-width: 360px; }
            th { background: #f5f5f5; }
            .more { color: #777; font-size: 11px; margin-top: 4px; }
            """;

    static String render(JsonNode note) {
        StringBuilder html = new StringBuilder("<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>")
                .append(escape(note.path("name").asText())).append("</title><style>").append(STYLE)
                .append("</style></head><body><header>").append(escape(note.path("name").asText()))
                .append("<small>results = ").append(escape(note.path("noteParams").path("results").asText()))
                .append("</small></header>");
        for (JsonNode paragraph : note.path("paragraphs")) {
            String status = paragraph.path("status").asText();
            html.append("<div class=\"paragraph\"><span class=\"status ").append(escape(status)).append("\">")
                    .append(escape(status)).append("</span>");
            if (paragraph.path("config").path("title").asBoolean(false)) {
                html.append("<h3>").append(escape(paragraph.path("title").asText())).append("</h3>");
            }
            JsonNode graph = paragraph.path("config").path("results").path("0").path("graph");
            for (JsonNode message : paragraph.path("results").path("msg")) {
                String data = message.path("data").asText();
                switch (message.path("type").asText()) {
                    case "HTML" -> html.append(data);
                    case "TABLE" -> html.append(table(data, graph));
                    default -> html.append("<pre>").append(escape(data)).append("</pre>");
                }
            }
            html.append("</div>");
        }
        return html.append("</body></html>").toString();
    }

    private static String table(String tsv, JsonNode graph) {
        List<String> lines = tsv.lines().toList();
        List<String> header = List.of(lines.get(0).split("\t", -1));
        List<String[]> rows = lines.subList(1, lines.size()).stream().map(line -> line.split("\t", -1)).toList();
        String mode = graph.path("mode").asText("table");
        StringBuilder html = new StringBuilder();
        if (!mode.equals("table")) {
            html.append(NoteChart.svg(graph, header, rows).orElse("<div class=\"chart\">shown in Zeppelin as a "
                    + escape(mode) + "</div>"));
        }
        html.append("<table><tr>");
        for (String column : header) {
            html.append("<th>").append(escape(column)).append("</th>");
        }
        html.append("</tr>");
        for (String[] row : rows.subList(0, Math.min(rows.size(), MAX_ROWS))) {
            html.append("<tr>");
            for (String cell : row) {
                html.append("<td>").append(escape(cell)).append("</td>");
            }
            html.append("</tr>");
        }
        html.append("</table>");
        if (rows.size() > MAX_ROWS) {
            html.append("<div class=\"more\">").append(rows.size() - MAX_ROWS).append(" more rows</div>");
        }
        return html.toString();
    }

    static String escape(String text) {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
