package io.attnspark.results;

import java.util.Base64;
import java.util.List;
import java.util.Locale;

/** The self-contained HTML report: inline CSS, plots as base64 data URIs, so that the one file can be mailed. */
final class Html {

    private static final String STYLE = """
            body { font-family: -apple-system, "Segoe UI", Helvetica, Arial, sans-serif; margin: 2em auto;
                   max-width: 1200px; color: #222; padding: 0 1em; }
            h1 { font-size: 1.6em; } h2 { font-size: 1.25em; margin-top: 2em; } h3 { font-size: 1.05em; }
            .context { background: #f3f6fa; border-left: 4px solid #4E79A7; padding: 0.5em 1em; }
            .howto { color: #444; font-size: 0.9em; max-width: 60em; }
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

    /** One experiment's section: its tables, its plots, and notes on plots left out. */
    record Section(ExperimentReport experiment, List<ReportTable> tables, List<Figure> figures, List<String> notes) {
    }

    static String escape(String text) {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }

    static String report(long runCount, List<Section> sections, List<SkippedFile> skipped) {
        StringBuilder html = new StringBuilder("""
                <!DOCTYPE html>
                <html lang="en">
                <head>
                <meta charset="utf-8">
                <title>attnspark: attention variants across backbones</title>
                <style>
                """).append(STYLE).append("</style>\n</head>\n<body>\n")
                .append("<h1>attnspark: attention variants across backbones</h1>\n")
                .append(String.format(Locale.ROOT, "<p>%d run(s) in %d experiment(s); %d file(s) skipped. Runs that "
                        + "differ in anything but the seed and the compared axes are different experiments and are "
                        + "never pooled.</p>%n", runCount, sections.size(), skipped.size()))
                .append("<p class=\"howto\">").append(escape(PaperTables.HOW_TO_READ)).append("</p>\n");
        for (Section section : sections) {
            ExperimentReport experiment = section.experiment();
            html.append("<h2>Experiment ").append(escape(experiment.experiment().key())).append("</h2>\n")
                    .append("<p class=\"context\">Held fixed: ").append(escape(experiment.experiment().summary()))
                    .append("</p>\n");
            section.tables().forEach(table -> html.append(table.toHtml()));
            for (Figure figure : section.figures()) {
                html.append("<figure><img alt=\"").append(escape(figure.fileName()))
                        .append("\" src=\"data:image/png;base64,")
                        .append(Base64.getEncoder().encodeToString(figure.png()))
                        .append("\"><figcaption>").append(escape(figure.caption())).append("</figcaption></figure>\n");
            }
            section.notes().forEach(note -> html.append("<p class=\"howto\">").append(escape(note)).append("</p>\n"));
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
