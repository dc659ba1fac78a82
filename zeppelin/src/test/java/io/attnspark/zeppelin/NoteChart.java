package io.attnspark.zeppelin;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * A paragraph's bar or line chart as SVG, drawn the way Zeppelin's pivot does it: x categories from the first key
 * column, one series per value of the first group column, y the sum of the first value column.
 */
final class NoteChart {
    private NoteChart() { }

    private static final String[] COLORS = {"#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b"};
    private static final int WIDTH = 640;
    private static final int HEIGHT = 200;
    private static final int LEFT = 50;
    private static final int BOTTOM = 30;

    /** Empty for other chart modes and for a graph without key or value columns. */
    static Optional<String> svg(JsonNode graph, List<String> header, List<String[]> rows) {
        String mode = graph.path("mode").asText();
        int key = header.indexOf(graph.path("keys").path(0).path("name").asText());
        int value = header.indexOf(graph.path("values").path(0).path("name").asText());
        int group = header.indexOf(graph.path("groups").path(0).path("name").asText());
        if (!List.of("multiBarChart", "lineChart").contains(mode) || key < 0 || value < 0) {
            return Optional.empty();
        }
        Map<String, Map<String, Double>> series = new LinkedHashMap<>();
        Map<String, Boolean> categories = new LinkedHashMap<>();
        for (String[] row : rows) {
            categories.put(row[key], true);
            series.computeIfAbsent(group < 0 ? header.get(value) : row[group], s -> new LinkedHashMap<>())
                    .merge(row[key], parse(row[value]), Double::sum);
        }
        double max = series.values().stream().flatMap(s -> s.values().stream()).mapToDouble(Math::abs).max().orElse(1);
        double scale = (HEIGHT - BOTTOM - 10) / (max == 0 ? 1 : max);
        List<String> xs = List.copyOf(categories.keySet());
        double slot = (double) (WIDTH - LEFT) / xs.size();
        StringBuilder svg = new StringBuilder("<svg width=\"" + (WIDTH + 320) + "\" height=\"" + HEIGHT + "\">")
                .append(line(LEFT, HEIGHT - BOTTOM, WIDTH, HEIGHT - BOTTOM, "#999"))
                .append(text(LEFT - 6, 14, "end", format(max)))
                .append(text(LEFT - 6, HEIGHT - BOTTOM, "end", "0"));
        for (int i = 0; i < xs.size(); i++) {
            svg.append(text(LEFT + slot * (i + 0.5), HEIGHT - BOTTOM + 16, "middle", xs.get(i)));
        }
        int s = 0;
        for (Map.Entry<String, Map<String, Double>> entry : series.entrySet()) {
            String color = COLORS[s % COLORS.length];
            StringBuilder points = new StringBuilder();
            for (int i = 0; i < xs.size(); i++) {
                Double y = entry.getValue().get(xs.get(i));
                if (y == null) {
                    continue;
                }
                double height = Math.abs(y) * scale;
                if (mode.equals("multiBarChart")) {
                    double bar = Math.min(slot * 0.8 / series.size(), 48);
                    double first = LEFT + slot * (i + 0.5) - bar * series.size() / 2;
                    svg.append(String.format(Locale.ROOT, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"%s\"/>",
                            first + bar * s, HEIGHT - BOTTOM - height, bar, height, color));
                } else {
                    double x = LEFT + slot * (i + 0.5);
                    points.append(String.format(Locale.ROOT, "%.1f,%.1f ", x, HEIGHT - BOTTOM - height));
                    svg.append(String.format(Locale.ROOT, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"3\" fill=\"%s\"/>",
                            x, HEIGHT - BOTTOM - height, color));
                }
            }
            if (!points.isEmpty()) {
                svg.append("<polyline fill=\"none\" stroke-width=\"2\" stroke=\"").append(color).append("\" points=\"")
                        .append(points).append("\"/>");
            }
            svg.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%d\" width=\"10\" height=\"10\" fill=\"%s\"/>",
                    WIDTH + 10, 10 + 16 * s, color)).append(text(WIDTH + 24, 19 + 16 * s, "start", entry.getKey()));
            s++;
        }
        return Optional.of(svg.append("</svg>").toString());
    }

    private static double parse(String cell) {
        try {
            return Double.parseDouble(cell);
        } catch (NumberFormatException notANumber) {
            return 0;
        }
    }

    private static String format(double value) {
        return String.format(Locale.ROOT, "%.3g", value);
    }

    private static String line(double x1, double y1, double x2, double y2, String color) {
        return String.format(Locale.ROOT, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"%s\"/>",
                x1, y1, x2, y2, color);
    }

    private static String text(double x, double y, String anchor, String content) {
        return String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"%s\" font-size=\"11\">%s</text>",
                x, y, anchor, NoteHtml.escape(content));
    }
}
