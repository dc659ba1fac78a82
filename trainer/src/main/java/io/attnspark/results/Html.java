package io.attnspark.results;

import java.util.Base64;
import java.util.List;
import java.util.Locale;

/** The self-contained HTML report: inline CSS, plots as base64 data URIs, so that the one file can be mailed. */
final class Html {

    private static final String STYLE = """
            body { font-family: -apple-system, "Segoe UI", Helvetica, Arial, sans-serif; margin: 2em auto;
                   max-width: 1200px; color: #222; padding: 0 1em; }
            h1 { font-size: 1.6em; } h2 { font-size: 1.25em; margin-top: 2em; }
            table { border-collapse: collapse; margin: 1em 0 2em; font-size: 0.9em; }
            caption { caption-side: top; text-align: left; padding-bottom: 0.5em; max-width: 60em; }
            th, td { border-bottom: 1px solid #ddd; padding: 0.3em 0.7em; white-space: nowrap; }
            th { background: #f3f3f3; text-align: left; }
            td.num { text-align: right; font-variant-numeric: tabular-nums; }
            tbody tr:nth-child(even) { background: #fafafa; }
            figure { margin: 1em 0 2em; } img { max-width: 100%; border: 1px solid #eee; }
            figcaption { color: #555; font-size: 0.9em; }
            .skipped { font-family: monospace; font-size: 0.85em; }
            """;

    private Html() {
    }

    /** A plot of the report. */
    record Figure(String fileName, String caption, byte[] png) {
    }

    static String escape(String text) {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }

    static String report(long runCount, List<ReportTable> tables, List<Figure> figures, List<SkippedFile> skipped) {
        StringBuilder html = new StringBuilder("""
                <!DOCTYPE html>
                <html lang="en">
                <head>
                <meta charset="utf-8">
                <title>attnspark: attention variants across backbones</title>
                <style>
                """).append(STYLE).append("</style>\n</head>\n<body>\n")
                .append("<h1>attnspark: attention variants across backbones</h1>\n")
                .append(String.format(Locale.ROOT, "<p>%d run(s) aggregated; %d file(s) skipped.</p>%n", runCount,
                        skipped.size()));
        html.append("<h2>Tables</h2>\n");
        tables.forEach(table -> html.append(table.toHtml()));
        if (!figures.isEmpty()) {
            html.append("<h2>Plots</h2>\n");
            for (Figure figure : figures) {
                html.append("<figure><img alt=\"").append(escape(figure.caption()))
                        .append("\" src=\"data:image/png;base64,")
                        .append(Base64.getEncoder().encodeToString(figure.png()))
                        .append("\"><figcaption>").append(escape(figure.caption())).append(" (")
                        .append(escape(figure.fileName())).append(")</figcaption></figure>\n");
            }
        }
        if (!skipped.isEmpty()) {
            html.append("<h2>Skipped files</h2>\n<ul class=\"skipped\">\n");
            skipped.forEach(file -> html.append("<li>").append(escape(file.file())).append(": ")
                    .append(escape(file.reason())).append("</li>\n"));
            html.append("</ul>\n");
        }
        return html.append("</body>\n</html>\n").toString();
    }
}
