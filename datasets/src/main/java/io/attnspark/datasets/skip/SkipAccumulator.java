package io.attnspark.datasets.skip;

import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.util.AccumulatorV2;

/**
 * A Spark accumulator of {@link SkipTally}: executors add skips inside tasks and Spark merges the per-task copies
 * back into the driver's instance when each task succeeds. As with every accumulator updated inside a transformation
 * (DL4J's fitPaths and doEvaluation are mapPartitions), a task that Spark re-runs after a lost executor adds its skips
 * again, so on a cluster with failures the counts are upper bounds.
 */
public final class SkipAccumulator extends AccumulatorV2<SkipTally, SkipTally> {
    private static final long serialVersionUID = 1L;

    private SkipTally tally = SkipTally.NONE;

    /** Creates one and registers it with the driver's context under {@code name} (shown in the Spark UI). */
    public static SkipAccumulator register(JavaSparkContext sc, String name) {
        SkipAccumulator accumulator = new SkipAccumulator();
        sc.sc().register(accumulator, name);
        return accumulator;
    }

    @Override
    public boolean isZero() {
        return tally.total() == 0;
    }

    @Override
    public SkipAccumulator copy() {
        SkipAccumulator copy = new SkipAccumulator();
        synchronized (this) {
            copy.tally = tally;
        }
        return copy;
    }

    @Override
    public synchronized void reset() {
        tally = SkipTally.NONE;
    }

    /** Thread-safe: the loader decodes a shard's files in parallel. */
    @Override
    public synchronized void add(SkipTally skipped) {
        tally = tally.plus(skipped);
    }

    @Override
    public void merge(AccumulatorV2<SkipTally, SkipTally> other) {
        add(other.value());
    }

    @Override
    public synchronized SkipTally value() {
        return tally;
    }
}
