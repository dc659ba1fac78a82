package io.attnspark.results;

import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

class WelchTestTest {

    @Test
    void twoSeedsEachWithEqualSpreadHaveTwoDegreesOfFreedomAndAClosedFormP() {
        double[] plain = {70.0, 72.0};
        double[] se = {74.0, 76.0};
        // s^2 = 2 on both sides: t = 4 / sqrt(2/2 + 2/2) = 2 sqrt(2), df = 2, and for df = 2
        // P(|T| >= t) = 1 - t / sqrt(2 + t^2) = 1 - sqrt(8) / sqrt(10)
        double expected = 1 - Math.sqrt(8) / Math.sqrt(10);
        assertEquals(2.0, WelchReference.degreesOfFreedom(se, plain), 1e-12);
        assertEquals(expected, WelchReference.pValue(se, plain), 1e-9, "the reference integration itself");
        assertEquals(expected, WelchTest.pValue(list(se), list(plain)), 1e-9);
        assertEquals(Significance.NOT_SIGNIFICANT, Significance.of(expected));
    }

    @Test
    void unequalVariancesAndSizesUseWelchNotThePooledTest() {
        double[] plain = {76.00, 76.02, 76.04};
        double[] se = {77.00, 77.04};
        double df = WelchReference.degreesOfFreedom(se, plain);
        // s^2/n is 8e-4/2 and 8e-4/(2*3): Welch-Satterthwaite df = (16/3)^2 / (4^2 + (4/3)^2 / 2) = 256/152,
        // where the pooled test would use n1 + n2 - 2 = 3
        assertEquals(256.0 / 152.0, df, 1e-9);
        double expected = WelchReference.pValue(se, plain);
        assertEquals(expected, WelchTest.pValue(list(se), list(plain)), 1e-9);
        assertEquals(Significance.SIGNIFICANT, Significance.of(WelchTest.pValue(list(se), list(plain))));
    }

    @Test
    void aSingleSeedOrNoSpreadIsNotTestable() {
        assertNull(WelchTest.pValue(List.of(71.0), List.of(70.0, 70.5)));
        assertNull(WelchTest.pValue(List.of(71.0, 71.0), List.of(70.0, 70.0)));
        assertEquals(Significance.NOT_TESTABLE, Significance.of(null));
        assertEquals(Significance.SIGNIFICANT, Significance.of(0.0499));
        assertEquals(Significance.NOT_SIGNIFICANT, Significance.of(0.05));
    }

    private static List<Double> list(double[] values) {
        return Arrays.stream(values).boxed().toList();
    }
}
