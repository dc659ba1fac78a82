package io.attnspark.train;

import io.attnspark.record.AtomicHadoopFile;
import io.attnspark.record.WriteMode;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.axis.SymbolAxis;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.GrayPaintScale;
import org.jfree.chart.renderer.xy.XYBlockRenderer;
import org.jfree.chart.title.PaintScaleLegend;
import org.jfree.chart.title.TextTitle;
import org.jfree.chart.ui.RectangleEdge;
import org.jfree.data.xy.DefaultXYZDataset;
import org.nd4j.evaluation.classification.Evaluation;

import java.awt.Color;
import java.awt.Font;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;

/**
 * A checkpoint's accuracy on a validation set: top-1, top-5, and the confusion matrix (rows the true class, columns the
 * predicted one), from which per-class accuracy follows. Written as CSVs and a PNG heat map.
 *
 * @param counts counts[true][predicted] images
 */
public record EvaluationReport(List<String> classIds, long[][] counts, double top1, double top5) {

    static {
        // before any AWT class loads: a cluster node or CI box has no display
        System.setProperty("java.awt.headless", "true");
    }

    static EvaluationReport of(List<String> classIds, Evaluation evaluation) {
        int n = classIds.size();
        long[][] counts = new long[n][n];
        var matrix = evaluation.getConfusionMatrix();
        for (int actual = 0; actual < n; actual++) {
            for (int predicted = 0; predicted < n; predicted++) {
                counts[actual][predicted] = matrix.getCount(actual, predicted);
            }
        }
        return new EvaluationReport(classIds, counts, evaluation.accuracy(), evaluation.topNAccuracy());
    }

    public long images(int trueClass) {
        long sum = 0;
        for (long count : counts[trueClass]) {
            sum += count;
        }
        return sum;
    }

    /** Correctly classified images of the class over its images; NaN for a class without images. */
    public double accuracy(int trueClass) {
        long images = images(trueClass);
        return images == 0 ? Double.NaN : (double) counts[trueClass][trueClass] / images;
    }

    /** {@code class,images,correct,accuracy}, one row per class. */
    public String perClassCsv() {
        var csv = new StringBuilder("class,images,correct,accuracy\n");
        for (int c = 0; c < classIds.size(); c++) {
            csv.append(classIds.get(c)).append(',').append(images(c)).append(',').append(counts[c][c]).append(',')
                    .append(String.format(Locale.ROOT, "%.6f", accuracy(c))).append('\n');
        }
        return csv.toString();
    }

    /** A header row of predicted classes, then one row per true class with its counts. */
    public String confusionCsv() {
        var csv = new StringBuilder("true\\predicted");
        classIds.forEach(id -> csv.append(',').append(id));
        csv.append('\n');
        for (int c = 0; c < classIds.size(); c++) {
            csv.append(classIds.get(c));
            for (long count : counts[c]) {
                csv.append(',').append(count);
            }
            csv.append('\n');
        }
        return csv.toString();
    }

    /** The confusion matrix as row fractions (each true class sums to 1), dark = many, with a colour bar. */
    public byte[] confusionPng() throws IOException {
        int n = classIds.size();
        double[][] cells = new double[3][n * n];
        for (int actual = 0; actual < n; actual++) {
            long images = images(actual);
            for (int predicted = 0; predicted < n; predicted++) {
                int i = actual * n + predicted;
                cells[0][i] = predicted;
                cells[1][i] = actual;
                cells[2][i] = images == 0 ? 0 : (double) counts[actual][predicted] / images;
            }
        }
        var dataset = new DefaultXYZDataset();
        dataset.addSeries("fraction", cells);
        String[] labels = classIds.toArray(String[]::new);
        var predictedAxis = new SymbolAxis("predicted class", labels);
        predictedAxis.setVerticalTickLabels(true);
        String[] withAccuracy = new String[n];
        for (int c = 0; c < n; c++) {
            withAccuracy[c] = String.format(Locale.ROOT, "%s  %.1f%%", labels[c], 100 * accuracy(c));
        }
        var trueAxis = new SymbolAxis("true class (its accuracy)", withAccuracy);
        trueAxis.setInverted(true);
        // 1 at black: the diagonal of a good classifier stands out
        var scale = new GrayPaintScale(0, 1) {
            @Override
            public java.awt.Paint getPaint(double value) {
                return super.getPaint(1 - Math.max(0, Math.min(1, value)));
            }
        };
        var renderer = new XYBlockRenderer();
        renderer.setPaintScale(scale);
        var plot = new XYPlot(dataset, predictedAxis, trueAxis, renderer);
        plot.setBackgroundPaint(Color.WHITE);
        var chart = new JFreeChart(null, JFreeChart.DEFAULT_TITLE_FONT, plot, false);
        chart.setBackgroundPaint(Color.WHITE);
        chart.addSubtitle(new TextTitle(String.format(Locale.ROOT, "Confusion matrix: top-1 %.2f%%, top-5 %.2f%%, %d images"
                + " (each row sums to 1)", 100 * top1, 100 * top5, total()), new Font(Font.SANS_SERIF, Font.BOLD, 14)));
        var legend = new PaintScaleLegend(scale, new NumberAxis("fraction of the true class"));
        legend.setPosition(RectangleEdge.RIGHT);
        legend.setMargin(4, 4, 40, 4);
        chart.addSubtitle(legend);
        int side = Math.max(520, 40 * n + 240);
        var png = new ByteArrayOutputStream();
        ChartUtils.writeChartAsPNG(png, chart, side + 100, side);
        return png.toByteArray();
    }

    public long total() {
        long sum = 0;
        for (int c = 0; c < classIds.size(); c++) {
            sum += images(c);
        }
        return sum;
    }

    /** Writes per-class.csv, confusion.csv and confusion.png into {@code outUri} (any Hadoop URI), each atomically. */
    public void write(String outUri, Configuration hadoop) throws IOException {
        Path out = new Path(outUri);
        AtomicHadoopFile.write(new Path(out, "per-class.csv"), perClassCsv().getBytes(StandardCharsets.UTF_8), hadoop,
                WriteMode.OVERWRITE);
        AtomicHadoopFile.write(new Path(out, "confusion.csv"), confusionCsv().getBytes(StandardCharsets.UTF_8), hadoop,
                WriteMode.OVERWRITE);
        AtomicHadoopFile.write(new Path(out, "confusion.png"), confusionPng(), hadoop, WriteMode.OVERWRITE);
    }
}
