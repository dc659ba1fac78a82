package io.attnspark.results;

import org.apache.commons.math3.stat.inference.TTest;

import java.util.List;

/** Welch's two-sided t-test (unequal variances) between two groups of seeds. */
public final class WelchTest {

    /** Significance level of the tables' markers. */
    public static final double ALPHA = 0.05;

    private WelchTest() {
    }

    /**
     * @return the two-sided p-value, or null where there is nothing to test: fewer than two runs on either side, or
     * no spread at all on both sides (identical results per seed, where the t statistic is undefined)
     */
    public static Double pValue(List<Double> a, List<Double> b) {
        if (a.size() < 2 || b.size() < 2) {
            return null;
        }
        double[] x = a.stream().mapToDouble(Double::doubleValue).toArray();
        double[] y = b.stream().mapToDouble(Double::doubleValue).toArray();
        double p = new TTest().tTest(x, y);
        return Double.isNaN(p) ? null : p;
    }
}
