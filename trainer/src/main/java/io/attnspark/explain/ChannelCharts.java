package io.attnspark.explain;

import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.Rectangle2D;
import java.awt.image.BufferedImage;
import java.util.List;
import java.util.Locale;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.StandardXYBarPainter;
import org.jfree.chart.renderer.xy.XYBarRenderer;
import org.jfree.chart.title.TextTitle;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Channel attention as small multiples: one bar chart per module instance (channel index against its gate, on a
 * shared 0..1 scale so blocks compare), drawn with JFreeChart into one image, two charts a row in graph order.
 */
final class ChannelCharts {

    static {
        // before any AWT class loads: a cluster node or CI box has no display
        System.setProperty("java.awt.headless", "true");
    }

    static final int TILE_WIDTH = 520;
    static final int TILE_HEIGHT = 240;
    static final int COLUMNS = 2;
    /** Side of the input image drawn in the header band: what the network saw, beside the labels. */
    static final int INPUT_SIDE = 128;
    private static final int MARGIN = 10;
    private static final int HEADER = INPUT_SIDE + 2 * MARGIN;
    private static final Color BARS = new Color(0x4E79A7);

    /** One module instance's gates: a label (e.g. {@code layer1.0.attn}) and its C weights. */
    record Gates(String module, INDArray weights) { }

    private ChannelCharts() { }

    /**
     * @param header the image's headline, e.g. its file, true class and top-1 prediction
     * @param input  the part of the image the network saw, drawn at {@value #INPUT_SIDE} px at the left of the header
     */
    static BufferedImage render(String header, BufferedImage input, List<Gates> gates) {
        int columns = Math.min(COLUMNS, gates.size());
        int rows = (gates.size() + columns - 1) / columns;
        BufferedImage image = new BufferedImage(columns * TILE_WIDTH, HEADER + rows * TILE_HEIGHT, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
            g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, image.getWidth(), image.getHeight());
            g.drawImage(input, MARGIN, MARGIN, INPUT_SIDE, INPUT_SIDE, null);
            g.setColor(Color.BLACK);
            g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 15));
            g.drawString(header, 2 * MARGIN + INPUT_SIDE, MARGIN + 22);
            g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
            g.drawString(String.format(Locale.ROOT, "left: the network's input (%dx%d px, shown at %d px)", input.getWidth(),
                    input.getHeight(), INPUT_SIDE), 2 * MARGIN + INPUT_SIDE, MARGIN + 44);
            for (int i = 0; i < gates.size(); i++) {
                var area = new Rectangle2D.Double(i % columns * TILE_WIDTH, HEADER + i / columns * TILE_HEIGHT,
                        TILE_WIDTH, TILE_HEIGHT);
                chart(gates.get(i)).draw(g, area);
            }
        } finally {
            g.dispose();
        }
        return image;
    }

    private static JFreeChart chart(Gates gates) {
        INDArray weights = gates.weights();
        XYSeries series = new XYSeries(gates.module(), false, false);
        for (int c = 0; c < weights.length(); c++) {
            series.add(c, weights.getDouble(c));
        }
        NumberAxis channel = new NumberAxis("channel");
        channel.setStandardTickUnits(NumberAxis.createIntegerTickUnits());
        channel.setRange(-0.5, weights.length() - 0.5);
        NumberAxis gate = new NumberAxis("gate");
        gate.setRange(0, 1);
        XYBarRenderer bars = new XYBarRenderer(0.1);
        bars.setBarPainter(new StandardXYBarPainter());
        bars.setShadowVisible(false);
        bars.setSeriesPaint(0, BARS);
        XYPlot plot = new XYPlot(new XYSeriesCollection(series), channel, gate, bars);
        plot.setBackgroundPaint(Color.WHITE);
        plot.setRangeGridlinePaint(Color.LIGHT_GRAY);
        plot.setDomainGridlinesVisible(false);
        String title = String.format(Locale.ROOT, "%s  (%d channels; min %.2f, mean %.2f, max %.2f)", gates.module(),
                weights.length(), weights.minNumber().doubleValue(), weights.meanNumber().doubleValue(),
                weights.maxNumber().doubleValue());
        JFreeChart chart = new JFreeChart(null, null, plot, false);
        chart.setTitle(new TextTitle(title, new Font(Font.SANS_SERIF, Font.PLAIN, 12)));
        chart.setBackgroundPaint(Color.WHITE);
        return chart;
    }
}
