package io.attnspark.results;

import java.util.Collections;
import java.util.List;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * One metric of a variant over its seeds, in percent. Runs that repeat a seed are replicates: they are averaged into
 * that seed's value, so n counts distinct seeds only.
 *
 * @param bySeed the mean over each seed's runs, by seed
 */
public record Summary(SortedMap<Long, Double> bySeed) {

    public Summary {
        if (bySeed.isEmpty()) {
            throw new IllegalArgumentException("a summary needs at least one seed's value");
        }
        bySeed = Collections.unmodifiableSortedMap(new TreeMap<>(bySeed));
    }

    /** Distinct seeds. */
    public int seeds() {
        return bySeed.size();
    }

    public List<Double> values() {
        return List.copyOf(bySeed.values());
    }

    public double mean() {
        return bySeed.values().stream().mapToDouble(Double::doubleValue).average().orElseThrow();
    }

    /** Sample standard deviation over the seeds (n - 1 in the denominator); null for a single seed. */
    public Double std() {
        if (seeds() < 2) {
            return null;
        }
        double mean = mean();
        double squares = bySeed.values().stream().mapToDouble(v -> (v - mean) * (v - mean)).sum();
        return Math.sqrt(squares / (seeds() - 1));
    }
}
