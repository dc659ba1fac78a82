package io.attnspark.train;

import org.deeplearning4j.spark.api.stats.SparkTrainingStats;
import org.deeplearning4j.spark.impl.paramavg.stats.ParameterAveragingTrainingMasterStats;
import org.deeplearning4j.spark.impl.paramavg.stats.ParameterAveragingTrainingWorkerStats;
import org.deeplearning4j.spark.stats.EventStats;

import java.util.List;

/**
 * Where parameter-averaging time goes, from DL4J's training stats (cumulative over all fits so far): the mean time a
 * worker spends fitting minibatches, and the time the driver spends broadcasting, aggregating and averaging.
 */
record TrainingTimes(double workerSeconds, double syncSeconds) {

    private static final List<String> SYNC_KEYS = List.of(
            ParameterAveragingTrainingMasterStats.PARAMETER_AVERAGING_MASTER_BROADCAST_CREATE_TIMES_MS,
            ParameterAveragingTrainingMasterStats.PARAMETER_AVERAGING_MASTER_AGGREGATE_TIMES_MS,
            ParameterAveragingTrainingMasterStats.PARAMETER_AVERAGING_MASTER_PROCESS_PARAMS_UPDATER_TIMES_MS);
    private static final String WORKER_FIT_KEY = ParameterAveragingTrainingWorkerStats.PARAMETER_AVERAGING_WORKER_FIT_TIMES_MS;

    static final TrainingTimes NONE = new TrainingTimes(0, 0);

    static TrainingTimes of(SparkTrainingStats stats, int workers) {
        double syncMs = 0;
        double workerMs = 0;
        for (var level = stats; level != null; level = level.getNestedTrainingStats()) {
            for (String key : level.getKeySet()) {
                if (SYNC_KEYS.contains(key)) {
                    syncMs += totalMs(level.getValue(key));
                } else if (WORKER_FIT_KEY.equals(key)) {
                    workerMs += totalMs(level.getValue(key));
                }
            }
        }
        return new TrainingTimes(workerMs / workers / 1000, syncMs / 1000);
    }

    TrainingTimes minus(TrainingTimes earlier) {
        return new TrainingTimes(workerSeconds - earlier.workerSeconds, syncSeconds - earlier.syncSeconds);
    }

    private static double totalMs(List<EventStats> events) {
        return events == null ? 0 : events.stream().mapToLong(EventStats::getDurationMs).sum();
    }
}
