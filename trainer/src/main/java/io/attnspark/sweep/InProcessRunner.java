package io.attnspark.sweep;

import io.attnspark.train.Trainer;
import io.attnspark.train.config.TrainConfig;

import java.io.PrintStream;

/** Trains a point in this JVM, as {@code attnspark train} would: one Spark application per attempt. */
final class InProcessRunner implements PointRunner {

    private final PrintStream out;

    InProcessRunner(PrintStream out) {
        this.out = out;
    }

    @Override
    public String run(SweepPoint point, TrainConfig config, int attempt) throws Exception {
        return new Trainer(config, out, false).run().runId();
    }
}
