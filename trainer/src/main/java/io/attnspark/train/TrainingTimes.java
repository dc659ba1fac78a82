package io.attnspark.train;

import org.deeplearning4j.spark.api.stats.CommonSparkTrainingStats;
import org.deeplearning4j.spark.api.stats.SparkTrainingStats;
import org.deeplearning4j.spark.impl.paramavg.stats.ParameterAveragingTrainingMasterStats;
import org.deeplearning4j.spark.impl.paramavg.stats.ParameterAveragingTrainingWorkerStats;
import org.deeplearning4j.spark.stats.EventStats;

import java.util.List;

/**
 * Where parameter-averaging time goes, from DL4J's training stats (cumulative over all fits so far): the mean time a
 * worker spends fitting minibatches, and the rest of the fit calls' wall time (broadcasting parameters, loading data,
 * aggregating and averaging, Spark scheduling). Part of that rest is the time a worker waits for its next minibatch,
 * which the prefetch thread could not hide (DL4J times each {@code next()} of the worker's iterator, in whole
 * milliseconds). DL4J's own "aggregate" timer is not used: training runs lazily inside the aggregation job, so it
 * measures the training too. Gradient sharing logs no worker fit times (its workers exchange updates while they fit), so
 * all are null there: not measured.
 */
record TrainingTimes(Double workerSeconds, Double overheadSeconds, Double dataWaitSeconds) {

    private static final String MASTER_FIT_KEY = ParameterAveragingTrainingMasterStats.PARAMETER_AVERAGING_MASTER_FIT_TIMES_MS;
    private static final String WORKER_FIT_KEY = ParameterAveragingTrainingWorkerStats.PARAMETER_AVERAGING_WORKER_FIT_TIMES_MS;
    private static final String DATA_WAIT_KEY = CommonSparkTrainingStats.WORKER_FLAT_MAP_DATA_SET_GET_TIMES_MS;

    static final TrainingTimes NONE = new TrainingTimes(0.0, 0.0, 0.0);
    private static final TrainingTimes NOT_MEASURED = new TrainingTimes(null, null, null);

    static TrainingTimes of(SparkTrainingStats stats, int workers) {
        if (levelWith(stats, WORKER_FIT_KEY) == null) {
            return NOT_MEASURED;
        }
        double fitSeconds = totalMs(stats, MASTER_FIT_KEY) / 1000;
        double workerSeconds = totalMs(stats, WORKER_FIT_KEY) / workers / 1000;
        return new TrainingTimes(workerSeconds, Math.max(0, fitSeconds - workerSeconds),
                totalMs(stats, DATA_WAIT_KEY) / workers / 1000);
    }

    TrainingTimes minus(TrainingTimes earlier) {
        if (workerSeconds == null || earlier.workerSeconds == null) {
            return this;
        }
        return new TrainingTimes(workerSeconds - earlier.workerSeconds, overheadSeconds - earlier.overheadSeconds,
                dataWaitSeconds - earlier.dataWaitSeconds);
    }

    /** For the epoch line: where the training time went, if the training master says. */
    String describe() {
        if (workerSeconds == null) {
            return "no time split from this training master";
        }
        double step = workerSeconds + dataWaitSeconds;
        return String.format("workers fitting %s, waiting for data %.1f s (%.1f%%), other %s", Trainer.clock(workerSeconds),
                dataWaitSeconds, step > 0 ? 100 * dataWaitSeconds / step : 0, Trainer.clock(Math.max(0, overheadSeconds - dataWaitSeconds)));
    }

    private static double totalMs(SparkTrainingStats stats, String key) {
        var level = levelWith(stats, key);
        if (level == null) {
            return 0;
        }
        List<EventStats> events = level.getValue(key);
        return events == null ? 0 : events.stream().mapToLong(EventStats::getDurationMs).sum();
    }

    /** The first stats level that has the key (a level also lists the keys of the levels it nests), or null. */
    private static SparkTrainingStats levelWith(SparkTrainingStats stats, String key) {
        for (var level = stats; level != null; level = level.getNestedTrainingStats()) {
            if (level.getKeySet().contains(key)) {
                return level;
            }
        }
        return null;
    }
}
