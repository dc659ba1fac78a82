package io.attnspark.sweep;

import io.attnspark.train.config.TrainConfig;

/** Runs one attempt of one point. */
@FunctionalInterface
public interface PointRunner {

    /**
     * @return the run id of the completed record the attempt wrote
     * @throws Exception if the attempt failed; the sweep retries it or marks the point failed
     */
    String run(SweepPoint point, TrainConfig config, int attempt) throws Exception;
}
