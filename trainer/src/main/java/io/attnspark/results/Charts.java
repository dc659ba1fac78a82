package io.attnspark.results;

import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.labels.XYItemLabelGenerator;
import org.jfree.chart.plot.CombinedDomainXYPlot;
import org.jfree.chart.plot.Plot;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.chart.title.TextTitle;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Paint;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.ToDoubleFunction;

/** The report's plots as PNG, drawn with JFreeChart. */
final class Charts {

    static {
        // before any AWT class loads: a cluster node or CI box has no display
        System.setProperty("java.awt.headless", "true");
    }

    static final int WIDTH = 960;
    static final int HEIGHT = 600;

    // Tableau 10: distinguishable, also in greyscale print; one colour per series, the same in every subplot
    private static final Color[] PALETTE = {
            new Color(0x4E79A7), new Color(0xF28E2B), new Color(0xE15759), new Color(0x76B7B2), new Color(0x59A14F),
            new Color(0xEDC948), new Color(0xB07AA1), new Color(0xFF9DA7), new Color(0x9C755F), new Color(0xBAB0AC)};
    private static final String PARETO = "Pareto front";

    private Charts() {
    }

    /** A point per variant shown in the main table: final top-1 against parameters, one series per attention. */
    static byte[] top1VsParameters(List<VariantStats> variants) {
        Labelled data = bySeries(variants, v -> v.parameters() / 1e6);
        XYPlot plot = scatterPlot(data, "parameters (millions)");
        return png(chart("Top-1 vs parameters", "one point per backbone; mean over seeds", plot));
    }

    /** Every variant: final top-1 against training images/s, with the Pareto front of the two. */
    static byte[] top1VsThroughput(List<VariantStats> variants) {
        Labelled data = bySeries(variants, VariantStats::imagesPerSecond);
        XYSeries front = new XYSeries(PARETO, false, true);
        paretoFront(variants).forEach(v -> front.add(v.imagesPerSecond(), v.top1().mean()));
        data.series().addSeries(front);
        XYPlot plot = scatterPlot(data, "training images/s");
        XYLineAndShapeRenderer renderer = (XYLineAndShapeRenderer) plot.getRenderer();
        int frontIndex = data.series().getSeriesCount() - 1;
        renderer.setSeriesLinesVisible(frontIndex, true);
        renderer.setSeriesShapesVisible(frontIndex, false);
        renderer.setSeriesItemLabelsVisible(frontIndex, false);
        renderer.setSeriesPaint(frontIndex, Color.DARK_GRAY);
        renderer.setSeriesStroke(frontIndex, new BasicStroke(1.5f, BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND, 1f,
                new float[]{6f, 4f}, 0f));
        return png(chart("Top-1 vs training throughput",
                "every variant (mean over seeds); dashed: the Pareto front (no variant is both faster and better)",
                plot));
    }

    /** Top-1 and training loss against the epoch, one line per curve, in two panels over a shared epoch axis. */
    static byte[] trainingCurves(List<Curve> curves) {
        XYSeriesCollection top1 = new XYSeriesCollection();
        XYSeriesCollection loss = new XYSeriesCollection();
        for (Curve curve : curves) {
            XYSeries top1Series = new XYSeries(curve.label(), false, true);
            XYSeries lossSeries = new XYSeries(curve.label(), false, true);
            curve.points().forEach(point -> {
                top1Series.add(point.epoch(), point.top1Percent());
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
        plot.add(linePlot(top1, "validation top-1 (%)", true), 1);
        plot.add(linePlot(loss, "training loss", false), 1);
        return png(chart("Training curves", "mean over seeds per variant", plot));
    }

    /**
     * The variants no other variant beats on both top-1 and throughput, by falling throughput (rising top-1); a tie
     * on both keeps one of them.
     */
    static List<VariantStats> paretoFront(List<VariantStats> variants) {
        List<VariantStats> byThroughput = new ArrayList<>(variants);
        byThroughput.sort(Comparator.comparingDouble(VariantStats::imagesPerSecond).reversed()
                .thenComparing(Comparator.comparingDouble((VariantStats v) -> v.top1().mean()).reversed()));
        List<VariantStats> front = new ArrayList<>();
        double bestTop1 = Double.NEGATIVE_INFINITY;
        for (VariantStats v : byThroughput) {
            if (v.top1().mean() > bestTop1) {
                front.add(v);
                bestTop1 = v.top1().mean();
            }
        }
        return front;
    }

    /** One line of the training curves. */
    record Curve(String label, List<CurvePoint> points) {
        Curve {
            points = List.copyOf(points);
        }
    }

    /** A variant's mean over seeds at one epoch. */
    record CurvePoint(int epoch, double top1Percent, double trainLoss) {
    }

    /** Series by attention, and the backbone each point stands for. */
    private record Labelled(XYSeriesCollection series, Map<List<Integer>, String> labels) {
    }

    private static Labelled bySeries(List<VariantStats> variants, ToDoubleFunction<VariantStats> x) {
        XYSeriesCollection collection = new XYSeriesCollection();
        Map<List<Integer>, String> labels = new HashMap<>();
        for (VariantStats v : variants) {
            String attention = AggregateResult.columnTitle(v.attention());
            int seriesIndex = collection.indexOf(attention);
            if (seriesIndex < 0) {
                collection.addSeries(new XYSeries(attention, false, true));
                seriesIndex = collection.getSeriesCount() - 1;
            }
            XYSeries series = collection.getSeries(seriesIndex);
            series.add(x.applyAsDouble(v), v.top1().mean());
            String placement = v.placement();
            labels.put(List.of(seriesIndex, series.getItemCount() - 1),
                    placement.isEmpty() ? v.backbone() : v.backbone() + " (" + placement + ")");
        }
        return new Labelled(collection, labels);
    }

    private static XYPlot scatterPlot(Labelled data, String xLabel) {
        NumberAxis xAxis = new NumberAxis(xLabel);
        xAxis.setAutoRangeIncludesZero(false);
        NumberAxis yAxis = new NumberAxis("final top-1 (%)");
        yAxis.setAutoRangeIncludesZero(false);
        XYLineAndShapeRenderer renderer = new XYLineAndShapeRenderer(false, true);
        XYItemLabelGenerator backbone = (dataset, series, item) -> data.labels().get(List.of(series, item));
        renderer.setDefaultItemLabelGenerator(backbone);
        renderer.setDefaultItemLabelsVisible(true);
        renderer.setDefaultItemLabelFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
        colour(renderer, data.series().getSeriesCount());
        XYPlot plot = new XYPlot(data.series(), xAxis, yAxis, renderer);
        style(plot);
        // room for the labels of the outermost points
        xAxis.setUpperMargin(0.12);
        yAxis.setUpperMargin(0.08);
        return plot;
    }

    private static XYPlot linePlot(XYSeriesCollection data, String yLabel, boolean inLegend) {
        NumberAxis yAxis = new NumberAxis(yLabel);
        yAxis.setAutoRangeIncludesZero(false);
        XYLineAndShapeRenderer renderer = new XYLineAndShapeRenderer(true, true);
        renderer.setDefaultSeriesVisibleInLegend(inLegend);
        colour(renderer, data.getSeriesCount());
        XYPlot plot = new XYPlot(data, null, yAxis, renderer);
        style(plot);
        return plot;
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

    private static JFreeChart chart(String title, String subtitle, Plot plot) {
        JFreeChart chart = new JFreeChart(title, JFreeChart.DEFAULT_TITLE_FONT, plot, true);
        chart.addSubtitle(new TextTitle(subtitle, new Font(Font.SANS_SERIF, Font.PLAIN, 12)));
        chart.setBackgroundPaint(Color.WHITE);
        return chart;
    }

    private static byte[] png(JFreeChart chart) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            ChartUtils.writeChartAsPNG(out, chart, WIDTH, HEIGHT);
        } catch (IOException e) {
            throw new UncheckedIOException("Writing a PNG to memory cannot fail: " + e.getMessage(), e);
        }
        return out.toByteArray();
    }
}
