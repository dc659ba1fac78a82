package io.attnspark.results;

import java.util.List;

/**
 * One metric over the seeds of a variant, in percent.
 *
 * @param mean   mean over the runs
 * @param std    sample standard deviation (n - 1 in the denominator); null for a single run
 * @param values the per-run values the mean and std summarize, for significance tests
 */
public record Summary(double mean, Double std, List<Double> values) {

    public Summary {
        values = List.copyOf(values);
        if (values.isEmpty()) {
            throw new IllegalArgumentException("a summary needs at least one run's value");
        }
        if (std == null && values.size() > 1) {
            throw new IllegalArgumentException("a summary of " + values.size() + " runs needs a standard deviation");
        }
    }

    public int runs() {
        return values.size();
    }
}
