package io.attnspark.results;

import org.apache.commons.math3.distribution.TDistribution;
import org.apache.commons.math3.stat.descriptive.moment.Mean;
import org.apache.commons.math3.stat.descriptive.moment.StandardDeviation;
import org.apache.commons.math3.stat.inference.TTest;

import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;

/**
 * A variant's difference from plain over seeds: a paired t-test over the seeds both share (the same seed gives the
 * same initial weights and data order, so pairing removes that noise), else Welch's t-test; nothing from one seed.
 *
 * @param kind  which test
 * @param n     seeds the test used: shared seeds for the paired test, else the smaller side
 * @param delta the difference the interval is centred on, in points: the mean paired difference, or of the means
 * @param low   lower end of the 95 % confidence interval; null where untested
 * @param high  upper end; null where untested
 * @param p     two-sided p-value; null where untested or where neither side varies (t undefined)
 */
public record DifferenceTest(Kind kind, int n, double delta, Double low, Double high, Double p) {

    /** Significance level of the tables' markers. */
    public static final double ALPHA = 0.05;
    private static final double CONFIDENCE = 0.95;

    public enum Kind {
        PAIRED("paired"), WELCH("Welch"), NONE("n=1");

        private final String label;

        Kind(String label) {
            this.label = label;
        }

        /** As the tables name it. */
        public String label() {
            return label;
        }
    }

    public static DifferenceTest of(Summary variant, Summary plain) {
        Set<Long> shared = new TreeSet<>(variant.bySeed().keySet());
        shared.retainAll(plain.bySeed().keySet());
        if (shared.size() >= 2) {
            double[] v = shared.stream().mapToDouble(seed -> variant.bySeed().get(seed)).toArray();
            double[] b = shared.stream().mapToDouble(seed -> plain.bySeed().get(seed)).toArray();
            double[] differences = new double[v.length];
            for (int i = 0; i < v.length; i++) {
                differences[i] = v[i] - b[i];
            }
            double se = new StandardDeviation().evaluate(differences) / Math.sqrt(v.length);
            return tested(Kind.PAIRED, v.length, new Mean().evaluate(differences), se, v.length - 1.0,
                    se > 0 ? new TTest().pairedTTest(v, b) : Double.NaN);
        }
        double delta = variant.mean() - plain.mean();
        if (variant.seeds() < 2 || plain.seeds() < 2) {
            return new DifferenceTest(Kind.NONE, Math.min(variant.seeds(), plain.seeds()), delta, null, null, null);
        }
        double va = variant.std() * variant.std() / variant.seeds();
        double vb = plain.std() * plain.std() / plain.seeds();
        double df = (va + vb) * (va + vb) / (va * va / (variant.seeds() - 1) + vb * vb / (plain.seeds() - 1));
        double[] x = variant.values().stream().mapToDouble(Double::doubleValue).toArray();
        double[] y = plain.values().stream().mapToDouble(Double::doubleValue).toArray();
        return tested(Kind.WELCH, Math.min(x.length, y.length), delta, Math.sqrt(va + vb), df,
                va + vb > 0 ? new TTest().tTest(x, y) : Double.NaN);
    }

    private static DifferenceTest tested(Kind kind, int n, double delta, double standardError, double df, double p) {
        if (!(standardError > 0)) {
            // identical results per seed: no spread, no interval, no p
            return new DifferenceTest(kind, n, delta, delta, delta, null);
        }
        double quantile = new TDistribution(null, df).inverseCumulativeProbability(0.5 + CONFIDENCE / 2);
        return new DifferenceTest(kind, n, delta, delta - quantile * standardError, delta + quantile * standardError,
                Double.isNaN(p) ? null : p);
    }

    /** The marker after the delta: none if significant, † if not, n/a where nothing can be claimed. */
    public Significance significance() {
        return Significance.of(p);
    }

    /** E.g. {@code [+0.73, +3.27] paired}; {@code n=1} where untested. */
    public String describe() {
        return low == null ? kind.label()
                : String.format(Locale.ROOT, "[%+.2f, %+.2f] %s", low, high, kind.label());
    }
}
