package io.attnspark.explain;

import static org.bytedeco.opencv.global.opencv_core.CV_8UC1;
import static org.bytedeco.opencv.global.opencv_core.addWeighted;
import static org.bytedeco.opencv.global.opencv_imgproc.COLORMAP_JET;
import static org.bytedeco.opencv.global.opencv_imgproc.COLOR_BGR2RGB;
import static org.bytedeco.opencv.global.opencv_imgproc.COLOR_RGB2BGR;
import static org.bytedeco.opencv.global.opencv_imgproc.INTER_AREA;
import static org.bytedeco.opencv.global.opencv_imgproc.INTER_LINEAR;
import static org.bytedeco.opencv.global.opencv_imgproc.INTER_NEAREST;
import static org.bytedeco.opencv.global.opencv_imgproc.applyColorMap;
import static org.bytedeco.opencv.global.opencv_imgproc.cvtColor;
import static org.bytedeco.opencv.global.opencv_imgproc.resize;

import io.attnspark.datasets.image.CropBox;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.Rectangle;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.awt.image.DataBufferByte;
import java.util.Locale;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Rect;
import org.bytedeco.opencv.opencv_core.Size;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * A spatial attention map as a heat map over the image: the map, scaled to a range (its own min-max, or one shared by
 * all maps of the image), enlarged to the part of the image the network saw (the eval crop) with nearest-neighbour
 * blocks that show its real resolution (or bilinearly), coloured with OpenCV's JET map (blue low, red high) and blended
 * half and half with the image; what lies outside the crop is dimmed. A colour bar at the bottom gives the range. The
 * image keeps its aspect ratio.
 */
final class SpatialOverlay {

    static {
        // before any AWT class loads: a cluster node or CI box has no display
        System.setProperty("java.awt.headless", "true");
    }

    /** The output's long side: small inputs (Fashion-MNIST's 28 px) are enlarged to be seen, large ones shrunk. */
    static final int LONG_SIDE = 512;
    private static final double HEAT_ALPHA = 0.5;
    private static final double DIM_OUTSIDE = 0.4;

    /** The values at the blue and the red end of the colour map. */
    record Range(double min, double max) {
        static Range of(INDArray weights) {
            return new Range(weights.minNumber().doubleValue(), weights.maxNumber().doubleValue());
        }

        Range union(Range other) {
            return new Range(Math.min(min, other.min), Math.max(max, other.max));
        }
    }

    private SpatialOverlay() { }

    /**
     * @param rgb     the decoded image (8-bit RGB), not modified
     * @param region  the part of it the network saw, in its pixels
     * @param weights the map, [h,w]
     * @param caption drawn at the top, e.g. the module and the map's size
     * @param range   the values at the ends of the colour map (the colour bar shows it)
     */
    static BufferedImage render(Mat rgb, CropBox region, INDArray weights, String caption, Range range,
                                Explainer.Interpolation interpolation) {
        int width = rgb.cols();
        int height = rgb.rows();
        double scale = (double) LONG_SIDE / Math.max(width, height);
        int outWidth = Math.max(1, (int) Math.round(width * scale));
        int outHeight = Math.max(1, (int) Math.round(height * scale));
        int left = clamp((int) Math.round(region.left() * scale), 0, outWidth - 1);
        int top = clamp((int) Math.round(region.top() * scale), 0, outHeight - 1);
        int regionWidth = clamp((int) Math.round(region.width() * scale), 1, outWidth - left);
        int regionHeight = clamp((int) Math.round(region.height() * scale), 1, outHeight - top);

        try (Mat image = new Mat(); Mat canvas = new Mat(); Mat heat = heatMap(weights, regionWidth, regionHeight, range, interpolation);
             Rect rect = new Rect(left, top, regionWidth, regionHeight);
             Size size = new Size(outWidth, outHeight)) {
            resize(rgb, image, size, 0, 0, scale >= 1 ? INTER_LINEAR : INTER_AREA);
            image.convertTo(canvas, -1, DIM_OUTSIDE, 0);
            try (Mat imageRegion = new Mat(image, rect); Mat canvasRegion = new Mat(canvas, rect)) {
                addWeighted(imageRegion, 1 - HEAT_ALPHA, heat, HEAT_ALPHA, 0, canvasRegion);
            }
            BufferedImage out = toBufferedImage(canvas);
            annotate(out, new Rectangle(left, top, regionWidth, regionHeight), caption);
            colourBar(out, range);
            return out;
        }
    }

    /** The part of {@code rgb} the network saw, at the network's input size. */
    static BufferedImage networkView(Mat rgb, CropBox region, int imageSize) {
        try (Rect rect = new Rect(region.left(), region.top(), region.width(), region.height());
             Mat crop = new Mat(rgb, rect); Mat resized = new Mat(); Size size = new Size(imageSize, imageSize)) {
            resize(crop, resized, size, 0, 0, INTER_AREA);
            return toBufferedImage(resized);
        }
    }

    /** The map scaled to 0..255 over the range (a flat range is mid-scale), resized and coloured, RGB. */
    private static Mat heatMap(INDArray weights, int width, int height, Range scale, Explainer.Interpolation interpolation) {
        int rows = (int) weights.size(0);
        int cols = (int) weights.size(1);
        double min = scale.min();
        double range = scale.max() - min;
        byte[] levels = new byte[rows * cols];
        for (int y = 0; y < rows; y++) {
            for (int x = 0; x < cols; x++) {
                double unit = range > 1e-12 ? Math.max(0, Math.min(1, (weights.getDouble(y, x) - min) / range)) : 0.5;
                levels[y * cols + x] = (byte) Math.round(255 * unit);
            }
        }
        Mat coloured = new Mat();
        try (BytePointer data = new BytePointer(levels); Mat map = new Mat(rows, cols, CV_8UC1, data);
             Mat upsampled = new Mat(); Size size = new Size(width, height)) {
            resize(map, upsampled, size, 0, 0, interpolation == Explainer.Interpolation.NEAREST ? INTER_NEAREST : INTER_LINEAR);
            applyColorMap(upsampled, coloured, COLORMAP_JET);
            cvtColor(coloured, coloured, COLOR_BGR2RGB);
        }
        return coloured;
    }

    private static BufferedImage toBufferedImage(Mat rgb) {
        BufferedImage image = new BufferedImage(rgb.cols(), rgb.rows(), BufferedImage.TYPE_3BYTE_BGR);
        byte[] target = ((DataBufferByte) image.getRaster().getDataBuffer()).getData();
        try (Mat bgr = new Mat()) {
            cvtColor(rgb, bgr, COLOR_RGB2BGR);
            // cvtColor writes a new, continuous Mat: its rows follow each other as the raster's do
            bgr.data().get(target);
        }
        return image;
    }

    private static void annotate(BufferedImage image, Rectangle region, String caption) {
        Graphics2D g = image.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
            g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
            g.setColor(new Color(255, 255, 255, 160));
            g.setStroke(new BasicStroke(1f));
            g.drawRect(region.x, region.y, region.width - 1, region.height - 1);
            int fontSize = Math.max(10, Math.min(14, image.getWidth() / 36));
            g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, fontSize));
            int band = g.getFontMetrics().getHeight() + 6;
            g.setColor(new Color(0, 0, 0, 150));
            g.fillRect(0, 0, image.getWidth(), band);
            g.setColor(Color.WHITE);
            g.drawString(caption, 5, 3 + g.getFontMetrics().getAscent());
        } finally {
            g.dispose();
        }
    }

    /** A JET gradient from the range's minimum to its maximum along the bottom, labelled at both ends. */
    private static void colourBar(BufferedImage image, Range range) {
        int steps = 256;
        byte[] ramp = new byte[steps];
        for (int i = 0; i < steps; i++) {
            ramp[i] = (byte) i;
        }
        int[] rgb = new int[steps];
        try (BytePointer data = new BytePointer(ramp); Mat levels = new Mat(1, steps, CV_8UC1, data); Mat colours = new Mat()) {
            applyColorMap(levels, colours, COLORMAP_JET);
            byte[] bgr = new byte[steps * 3];
            colours.data().get(bgr);
            for (int i = 0; i < steps; i++) {
                rgb[i] = (bgr[3 * i + 2] & 0xff) << 16 | (bgr[3 * i + 1] & 0xff) << 8 | (bgr[3 * i] & 0xff);
            }
        }
        Graphics2D g = image.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
            g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, Math.max(10, Math.min(13, image.getWidth() / 40))));
            var metrics = g.getFontMetrics();
            String low = String.format(Locale.ROOT, "%.3g", range.min());
            String high = String.format(Locale.ROOT, "%.3g", range.max());
            int band = metrics.getHeight() + 8;
            int y = image.getHeight() - band;
            g.setColor(new Color(0, 0, 0, 150));
            g.fillRect(0, y, image.getWidth(), band);
            int barLeft = 10 + metrics.stringWidth(low) + 6;
            int barRight = image.getWidth() - 10 - metrics.stringWidth(high) - 6;
            for (int x = barLeft; x < barRight; x++) {
                g.setColor(new Color(rgb[(int) ((long) (x - barLeft) * (steps - 1) / Math.max(1, barRight - barLeft - 1))]));
                g.fillRect(x, y + 4, 1, band - 8);
            }
            g.setColor(Color.WHITE);
            g.drawString(low, 10, y + 4 + metrics.getAscent());
            g.drawString(high, barRight + 6, y + 4 + metrics.getAscent());
        } finally {
            g.dispose();
        }
    }

    private static int clamp(int value, int min, int max) {
        return Math.max(min, Math.min(max, value));
    }
}
