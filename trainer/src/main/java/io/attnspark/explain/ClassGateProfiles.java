package io.attnspark.explain;

import io.attnspark.datasets.image.ImageDecodeException;
import io.attnspark.model.attention.AttentionMap;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.awt.BasicStroke;
import java.awt.Color;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Mean channel gates per class (Hu et al., SE-Net, Fig. 6): for each module, the average gate of every channel over a
 * class's images, one line per class, so that class-specific channels stand out from shared ones.
 */
final class ClassGateProfiles {

    static final String CSV = "per-class-gates.csv";

    private final Explainer explainer;
    private final ExplainableModel model;
    private final PrintStream out;

    ClassGateProfiles(Explainer explainer, ExplainableModel model, PrintStream out) {
        this.explainer = explainer;
        this.model = model;
        this.out = out;
    }

    List<Path> write(Path classFolders, Path outDir, int perClass) throws IOException {
        List<AttentionMap> channelMaps = model.maps().stream().filter(m -> m.kind() == AttentionMap.Kind.CHANNEL).toList();
        if (channelMaps.isEmpty()) {
            throw new IllegalArgumentException("--per-class needs channel gates; " + model.spec().attention()
                    + " has only spatial maps");
        }
        // class label -> module -> summed gates
        Map<String, Map<String, INDArray>> sums = new LinkedHashMap<>();
        Map<String, Integer> counts = new LinkedHashMap<>();
        for (String label : model.labels()) {
            Path folder = classFolders.resolve(label.split(" ", 2)[0]);
            if (!Files.isDirectory(folder)) {
                continue;
            }
            for (Path file : firstFiles(folder, perClass)) {
                try {
                    var activations = explainer.activations(file, classFolders.relativize(file).toString());
                    var perModule = sums.computeIfAbsent(label, k -> new LinkedHashMap<>());
                    for (AttentionMap map : channelMaps) {
                        INDArray gates = map.weights(activations.get(map.vertex())).getRow(0).dup();
                        perModule.merge(map.module(), gates, INDArray::addi);
                    }
                    counts.merge(label, 1, Integer::sum);
                } catch (ImageDecodeException e) {
                    out.println("  skipped " + file + ": " + e.detail());
                }
            }
        }
        if (sums.isEmpty()) {
            throw new IllegalArgumentException("--images " + classFolders + " has no folder named by a class id"
                    + " of the model (e.g. " + model.labels().get(0).split(" ", 2)[0] + "/) with images in it");
        }
        Files.createDirectories(outDir);
        var csv = new StringBuilder("module,class,images,channel,mean_gate\n");
        List<Path> written = new ArrayList<>();
        for (AttentionMap map : channelMaps) {
            var lines = new XYSeriesCollection();
            for (var entry : sums.entrySet()) {
                INDArray mean = entry.getValue().get(map.module()).div(counts.get(entry.getKey()));
                var series = new XYSeries(entry.getKey() + " (" + counts.get(entry.getKey()) + ")", false, false);
                for (int c = 0; c < mean.length(); c++) {
                    series.add(c, mean.getDouble(c));
                    csv.append(map.module()).append(',').append(entry.getKey().split(" ", 2)[0]).append(',')
                            .append(counts.get(entry.getKey())).append(',').append(c).append(',')
                            .append(mean.getDouble(c)).append('\n');
                }
                lines.addSeries(series);
            }
            Path png = outDir.resolve("per-class-" + map.module() + ".png");
            ChartUtils.saveChartAsPNG(png.toFile(), chart(map.module(), lines, lines.getSeries(0).getItemCount()), 1000, 420);
            written.add(png);
        }
        Files.writeString(outDir.resolve(CSV), csv);
        out.printf("mean channel gates of %d classes (%d images) in %d charts and %s in %s%n", sums.size(),
                counts.values().stream().mapToInt(Integer::intValue).sum(), written.size(), CSV, outDir);
        return written;
    }

    private static JFreeChart chart(String module, XYSeriesCollection lines, int channels) {
        var channel = new NumberAxis("channel");
        channel.setStandardTickUnits(NumberAxis.createIntegerTickUnits());
        channel.setRange(0, Math.max(1, channels - 1));
        var gate = new NumberAxis("mean gate");
        gate.setRange(0, 1);
        var renderer = new XYLineAndShapeRenderer(true, false);
        for (int s = 0; s < lines.getSeriesCount(); s++) {
            renderer.setSeriesStroke(s, new BasicStroke(1.2f));
        }
        var plot = new XYPlot(lines, channel, gate, renderer);
        plot.setBackgroundPaint(Color.WHITE);
        plot.setRangeGridlinePaint(Color.LIGHT_GRAY);
        var chart = new JFreeChart(module + ": mean channel gate per class (legend: class (images))", JFreeChart.DEFAULT_TITLE_FONT, plot, true);
        chart.setBackgroundPaint(Color.WHITE);
        return chart;
    }

    private static List<Path> firstFiles(Path folder, int limit) throws IOException {
        try (Stream<Path> files = Files.list(folder)) {
            return files.filter(Files::isRegularFile).filter(p -> !p.getFileName().toString().startsWith("."))
                    .sorted().limit(limit).toList();
        }
    }
}
