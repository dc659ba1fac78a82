package io.attnspark.results;

import io.attnspark.results.Charts.Curve;
import io.attnspark.results.Charts.CurvePoint;
import org.junit.jupiter.api.Test;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.List;

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
    void theParetoFrontKeepsTheVariantsNothingIsBothFasterAndBetterThan() {
        assertEquals(List.of(R18, R18_SE, R50, R50_SE), Charts.paretoFront(List.of(R50_SE, R34, R18, R50, R18_SE)));
        VariantStats tie = variant("resnet18", "cbam", 72.0, 11.8e6, 90);
        assertEquals(List.of(R18, R18_SE), Charts.paretoFront(List.of(R18, R18_SE, tie)));
    }

    @Test
    void eachPlotIsAPngWithItsSeriesDrawn() throws IOException {
        List<VariantStats> variants = List.of(R18, R18_SE, R34, R50, R50_SE);
        assertDrawn(Charts.top1VsParameters(variants));
        assertDrawn(Charts.top1VsThroughput(variants));
        assertDrawn(Charts.trainingCurves(List.of(
                new Curve("resnet18 plain", List.of(new CurvePoint(1, 60, 2.0), new CurvePoint(2, 71, 1.2))),
                new Curve("resnet18 + se", List.of(new CurvePoint(1, 62, 1.9), new CurvePoint(2, 72, 1.1))))));
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
        Summary summary = new Summary(top1, 0.1, List.of(top1 - 0.1, top1 + 0.1));
        return new VariantStats(backbone, attention, VariantStats.STANDARD_POSITION, VariantStats.ALL_STAGES, true, summary,
                summary, parameters, imagesPerSecond);
    }
}
