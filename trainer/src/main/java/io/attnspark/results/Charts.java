package io.attnspark.results;

import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.labels.XYItemLabelGenerator;
import org.jfree.chart.plot.CombinedDomainXYPlot;
import org.jfree.chart.plot.Plot;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYErrorRenderer;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.data.Range;
import org.jfree.data.general.DatasetUtils;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;
import org.jfree.data.xy.YIntervalSeries;
import org.jfree.data.xy.YIntervalSeriesCollection;

import java.awt.Color;
import java.awt.Font;
import java.awt.Paint;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.ToDoubleFunction;

/**
 * The report's plots as PNG, drawn with JFreeChart. Every accuracy point carries its std as an error bar and its n;
 * accuracy axes span at least {@value #MIN_ACCURACY_SPAN} points, so that seed noise does not look like an effect.
 */
final class Charts {

    static {
        // before any AWT class loads: a cluster node or CI box has no display
        System.setProperty("java.awt.headless", "true");
    }

    static final int WIDTH = 960;
    static final int HEIGHT = 600;
    /** The narrowest accuracy axis, in points. */
    static final double MIN_ACCURACY_SPAN = 10.0;

    // Tableau 10: distinguishable, also in greyscale print; one colour per series, the same in every subplot
    private static final Color[] PALETTE = {
            new Color(0x4E79A7), new Color(0xF28E2B), new Color(0xE15759), new Color(0x76B7B2), new Color(0x59A14F),
            new Color(0xEDC948), new Color(0xB07AA1), new Color(0xFF9DA7), new Color(0x9C755F), new Color(0xBAB0AC)};

    private Charts() {
    }

    /** A point per variant of the main table: final top-1 (± std) against parameters, one series per column. */
    static byte[] top1VsParameters(List<VariantStats> variants) {
        Labelled data = bySeries(variants, v -> v.parameters() / 1e6);
        XYPlot plot = scatterPlot(data, "parameters (millions)");
        return png(chart("Top-1 vs parameters", plot));
    }

    /** Every variant: final top-1 (± std) against training images/s; only for runs of one host and master. */
    static byte[] top1VsThroughput(List<VariantStats> variants) {
        Labelled data = bySeries(variants, VariantStats::imagesPerSecond);
        XYPlot plot = scatterPlot(data, "training images/s");
        return png(chart("Top-1 vs training throughput", plot));
    }

    /** Top-1 (± std over runs) and training loss against the epoch, in two panels over a shared epoch axis. */
    static byte[] trainingCurves(List<Curve> curves) {
        YIntervalSeriesCollection top1 = new YIntervalSeriesCollection();
        XYSeriesCollection loss = new XYSeriesCollection();
        for (Curve curve : curves) {
            long n = curve.points().stream().mapToLong(CurvePoint::n).min().orElse(0);
            YIntervalSeries top1Series = new YIntervalSeries(curve.label() + " (n=" + n + ")", false, true);
            XYSeries lossSeries = new XYSeries(curve.label(), false, true);
            curve.points().forEach(point -> {
                top1Series.add(point.epoch(), point.top1Percent(), point.top1Percent() - point.stdPercent(),
                        point.top1Percent() + point.stdPercent());
                lossSeries.add(point.epoch(), point.trainLoss());
            });
            top1.addSeries(top1Series);
            loss.addSeries(lossSeries);
        }
        NumberAxis epochAxis = new NumberAxis("epoch");
        epochAxis.setStandardTickUnits(NumberAxis.createIntegerTickUnits());
        epochAxis.setAutoRangeIncludesZero(false);
        CombinedDomainXYPlot plot = new CombinedDomainXYPlot(epochAxis);
        plot.setGap(12);
        XYErrorRenderer errors = errorRenderer(top1.getSeriesCount());
        errors.setDefaultLinesVisible(true);
        XYPlot top1Plot = new XYPlot(top1, null, accuracyAxis("validation top-1 (%)",
                DatasetUtils.findRangeBounds(top1, true)), errors);
        style(top1Plot);
        plot.add(top1Plot, 1);
        NumberAxis lossAxis = new NumberAxis("training loss");
        lossAxis.setAutoRangeIncludesZero(false);
        XYLineAndShapeRenderer lossRenderer = new XYLineAndShapeRenderer(true, true);
        // the top panel's legend names the same colours
        lossRenderer.setDefaultSeriesVisibleInLegend(false);
        colour(lossRenderer, loss.getSeriesCount());
        XYPlot lossPlot = new XYPlot(loss, null, lossAxis, lossRenderer);
        style(lossPlot);
        plot.add(lossPlot, 1);
        return png(chart("Training curves", plot));
    }

    /** One line of the training curves. */
    record Curve(String label, List<CurvePoint> points) {
        Curve {
            points = List.copyOf(points);
        }
    }

    /** A variant's runs at one epoch: mean and std of top-1, mean loss, and how many runs. */
    record CurvePoint(int epoch, double top1Percent, double stdPercent, double trainLoss, long n) {
    }

    /** Series by column, and the label (row, n) each point stands for. */
    private record Labelled(YIntervalSeriesCollection series, Map<List<Integer>, String> labels) {
    }

    private static Labelled bySeries(List<VariantStats> variants, ToDoubleFunction<VariantStats> x) {
        YIntervalSeriesCollection collection = new YIntervalSeriesCollection();
        Map<String, Integer> seriesByColumn = new HashMap<>();
        Map<List<Integer>, String> labels = new HashMap<>();
        for (VariantStats v : variants) {
            int seriesIndex = seriesByColumn.computeIfAbsent(v.column(), column -> {
                collection.addSeries(new YIntervalSeries(column, false, true));
                return collection.getSeriesCount() - 1;
            });
            YIntervalSeries series = collection.getSeries(seriesIndex);
            double mean = v.top1().mean();
            double std = v.top1().std() == null ? 0.0 : v.top1().std();
            series.add(x.applyAsDouble(v), mean, mean - std, mean + std);
            String placement = v.placement();
            labels.put(List.of(seriesIndex, series.getItemCount() - 1),
                    (placement.isEmpty() ? v.row() : v.row() + " (" + placement + ")") + ", n=" + v.seeds());
        }
        return new Labelled(collection, labels);
    }

    private static XYPlot scatterPlot(Labelled data, String xLabel) {
        NumberAxis xAxis = new NumberAxis(xLabel);
        xAxis.setAutoRangeIncludesZero(false);
        XYErrorRenderer renderer = errorRenderer(data.series().getSeriesCount());
        XYItemLabelGenerator label = (dataset, series, item) -> data.labels().get(List.of(series, item));
        renderer.setDefaultItemLabelGenerator(label);
        renderer.setDefaultItemLabelsVisible(true);
        renderer.setDefaultItemLabelFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
        XYPlot plot = new XYPlot(data.series(), xAxis, accuracyAxis("final top-1 (%), bars: ± std over seeds",
                DatasetUtils.findRangeBounds(data.series(), true)), renderer);
        style(plot);
        // room for the labels of the outermost points
        xAxis.setUpperMargin(0.15);
        xAxis.setLowerMargin(0.1);
        return plot;
    }

    /** An accuracy axis over at least {@value #MIN_ACCURACY_SPAN} points around the data, within 0-100 %. */
    static NumberAxis accuracyAxis(String label, Range data) {
        NumberAxis axis = new NumberAxis(label);
        Range range = data == null ? new Range(0, 100) : accuracyRange(data.getLowerBound(), data.getUpperBound());
        axis.setRange(range);
        axis.setLabel(String.format(Locale.ROOT, "%s; axis %.0f-%.0f %%", label, range.getLowerBound(),
                range.getUpperBound()));
        return axis;
    }

    static Range accuracyRange(double low, double high) {
        double margin = Math.max(0.5, (high - low) * 0.1);
        double span = Math.max(MIN_ACCURACY_SPAN, high - low + 2 * margin);
        double centre = (low + high) / 2;
        double lower = Math.max(0.0, Math.floor(centre - span / 2));
        double upper = Math.min(100.0, Math.max(lower + span, Math.ceil(centre + span / 2)));
        return new Range(Math.max(0.0, Math.min(lower, upper - span)), upper);
    }

    private static XYErrorRenderer errorRenderer(int seriesCount) {
        XYErrorRenderer renderer = new XYErrorRenderer();
        renderer.setDrawXError(false);
        renderer.setDrawYError(true);
        renderer.setDefaultLinesVisible(false);
        renderer.setCapLength(6);
        colour(renderer, seriesCount);
        return renderer;
    }

    private static void colour(XYLineAndShapeRenderer renderer, int seriesCount) {
        for (int i = 0; i < seriesCount; i++) {
            Paint paint = PALETTE[i % PALETTE.length];
            renderer.setSeriesPaint(i, paint);
            renderer.setSeriesItemLabelPaint(i, Color.DARK_GRAY);
        }
    }

    private static void style(XYPlot plot) {
        plot.setBackgroundPaint(Color.WHITE);
        plot.setDomainGridlinePaint(new Color(0xDDDDDD));
        plot.setRangeGridlinePaint(new Color(0xDDDDDD));
        plot.setOutlinePaint(Color.GRAY);
    }

    // the caption is under the figure in the report, once; the chart carries only its title
    private static JFreeChart chart(String title, Plot plot) {
        JFreeChart chart = new JFreeChart(title, JFreeChart.DEFAULT_TITLE_FONT, plot, true);
        chart.setBackgroundPaint(Color.WHITE);
        return chart;
    }

    static byte[] png(JFreeChart chart) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            ChartUtils.writeChartAsPNG(out, chart, WIDTH, HEIGHT);
        } catch (IOException e) {
            throw new UncheckedIOException("Writing a PNG to memory cannot fail: " + e.getMessage(), e);
        }
        return out.toByteArray();
    }
}
