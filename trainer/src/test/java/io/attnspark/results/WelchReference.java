package io.attnspark.results;

/**
 * Welch's t-test from its textbook formulas, independent of commons-math: the t statistic, the Welch–Satterthwaite
 * degrees of freedom, and the two-sided p-value by integrating Student's t density numerically.
 */
final class WelchReference {

    private WelchReference() {
    }

    static double mean(double[] x) {
        double sum = 0;
        for (double v : x) {
            sum += v;
        }
        return sum / x.length;
    }

    /** Sample variance, n - 1 in the denominator. */
    static double variance(double[] x) {
        double mean = mean(x);
        double squares = 0;
        for (double v : x) {
            squares += (v - mean) * (v - mean);
        }
        return squares / (x.length - 1);
    }

    static double t(double[] a, double[] b) {
        return (mean(a) - mean(b)) / Math.sqrt(variance(a) / a.length + variance(b) / b.length);
    }

    static double degreesOfFreedom(double[] a, double[] b) {
        double va = variance(a) / a.length;
        double vb = variance(b) / b.length;
        return (va + vb) * (va + vb) / (va * va / (a.length - 1) + vb * vb / (b.length - 1));
    }

    /**
     * P(|T| >= |t|) for Student's t with {@code df} degrees of freedom. With x = sqrt(df) tan(theta) the density
     * becomes proportional to cos^(df-1)(theta) on [0, pi/2), so no Gamma function is needed:
     * p = 1 - int_0^atan(|t|/sqrt(df)) cos^(df-1) / int_0^(pi/2) cos^(df-1), both by Simpson's rule.
     */
    static double twoSidedP(double t, double df) {
        double upTo = Math.atan(Math.abs(t) / Math.sqrt(df));
        return 1 - simpson(df - 1, upTo) / simpson(df - 1, Math.PI / 2);
    }

    static double pValue(double[] a, double[] b) {
        return twoSidedP(t(a, b), degreesOfFreedom(a, b));
    }

    private static double simpson(double power, double upper) {
        int steps = 200_000;
        double h = upper / steps;
        double sum = f(power, 0) + f(power, upper);
        for (int i = 1; i < steps; i++) {
            sum += f(power, i * h) * (i % 2 == 0 ? 2 : 4);
        }
        return sum * h / 3;
    }

    private static double f(double power, double theta) {
        return Math.pow(Math.cos(theta), power);
    }
}
