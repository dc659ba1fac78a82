package io.attnspark.results;

import io.attnspark.results.Charts.Curve;
import io.attnspark.results.Charts.CurvePoint;
import org.junit.jupiter.api.Test;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import io.attnspark.record.Experiment;
import org.jfree.data.Range;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ChartsTest {

    // the first two colours of the charts' palette: series 0 and 1
    private static final int BLUE = 0x4E79A7;
    private static final int ORANGE = 0xF28E2B;

    private static final VariantStats R18 = variant("resnet18", "none", 71.0, 11.69e6, 100);
    private static final VariantStats R18_SE = variant("resnet18", "se", 72.0, 11.78e6, 90);
    private static final VariantStats R50 = variant("resnet50", "none", 76.0, 25.56e6, 50);
    private static final VariantStats R50_SE = variant("resnet50", "se", 77.0, 28.09e6, 45);
    // slower and worse than resnet18 + se: dominated
    private static final VariantStats R34 = variant("resnet34", "none", 71.5, 21.8e6, 80);

    @Test
    void accuracyAxesSpanAtLeastTenPointsSoThatSeedNoiseDoesNotLookLikeAnEffect() {
        // the auto-zoomed 77-80.2 % axis
        Range zoomed = Charts.accuracyRange(77.0, 80.2);
        assertTrue(zoomed.getLength() >= Charts.MIN_ACCURACY_SPAN, zoomed.toString());
        assertTrue(zoomed.contains(77.0) && zoomed.contains(80.2), zoomed.toString());
        Range top = Charts.accuracyRange(98.0, 99.5);
        assertEquals(100.0, top.getUpperBound());
        assertTrue(top.getLength() >= Charts.MIN_ACCURACY_SPAN, top.toString());
        Range wide = Charts.accuracyRange(20.0, 80.0);
        assertTrue(wide.contains(20.0) && wide.contains(80.0) && wide.getLength() < 75, wide.toString());
        assertTrue(Charts.accuracyAxis("top-1", new Range(77.0, 80.2)).getLabel().contains("axis 73-84 %"),
                Charts.accuracyAxis("top-1", new Range(77.0, 80.2)).getLabel());
    }

    @Test
    void eachPlotIsAPngWithItsSeriesDrawn() throws IOException {
        List<VariantStats> variants = List.of(R18, R18_SE, R34, R50, R50_SE);
        assertDrawn(Charts.top1VsParameters(variants));
        assertDrawn(Charts.top1VsThroughput(variants));
        assertDrawn(Charts.trainingCurves(List.of(
                new Curve("resnet18 plain", List.of(new CurvePoint(1, 60, 1, 2.0, 2), new CurvePoint(2, 71, 1, 1.2, 2))),
                new Curve("resnet18 + se", List.of(new CurvePoint(1, 62, 1, 1.9, 2), new CurvePoint(2, 72, 1, 1.1, 2))))));
    }

    private static void assertDrawn(byte[] png) throws IOException {
        BufferedImage image = ImageIO.read(new ByteArrayInputStream(png));
        assertEquals(Charts.WIDTH, image.getWidth());
        assertEquals(Charts.HEIGHT, image.getHeight());
        assertTrue(pixels(image, BLUE) > 20, "series 0 is not drawn");
        assertTrue(pixels(image, ORANGE) > 20, "series 1 is not drawn");
    }

    private static int pixels(BufferedImage image, int rgb) {
        int count = 0;
        for (int y = 0; y < image.getHeight(); y++) {
            for (int x = 0; x < image.getWidth(); x++) {
                if ((image.getRGB(x, y) & 0xFFFFFF) == rgb) {
                    count++;
                }
            }
        }
        return count;
    }

    private static VariantStats variant(String backbone, String attention, double top1, double parameters,
                                        double imagesPerSecond) {
        Summary summary = new Summary(new TreeMap<>(Map.of(1L, top1 - 0.1, 2L, top1 + 0.1)));
        return new VariantStats(new Experiment("0123456789ab", "test"), "", backbone, attention, "",
                VariantStats.STANDARD_POSITION, VariantStats.ALL_STAGES, true, summary, summary, 2, parameters,
                imagesPerSecond, "node1 local[2]");
    }
}
