package io.attnspark.train;

import io.attnspark.datasets.skip.SkipAccumulator;
import io.attnspark.record.EpochMetrics;
import java.io.PrintStream;

/** The lines a run prints while it trains: progress within an epoch (images/s, ETA), each epoch's result, skips. */
final class ProgressPrinter {

    private static final int LINES_PER_EPOCH = 10;

    private final PrintStream out;
    private final int epochs;
    private final int averagingFrequency;

    /**
     * @param epochs             the epochs of the whole run, for the ETA
     * @param averagingFrequency batches between two averaging rounds, so progress is printed at whole rounds
     */
    ProgressPrinter(PrintStream out, int epochs, int averagingFrequency) {
        this.out = out;
        this.epochs = epochs;
        this.averagingFrequency = averagingFrequency;
    }

    /** Shards per fitPaths call: whole averaging rounds, about {@value #LINES_PER_EPOCH} calls per epoch. */
    int chunkSize(int shards, int workers) {
        int round = workers * averagingFrequency;
        int rounds = Math.max(1, (int) Math.ceil((double) shards / round / LINES_PER_EPOCH));
        return rounds * round;
    }

    /**
     * @param done the fraction of the epoch done
     * @param loss the latest score; NaN under gradient sharing, which reports none while it trains
     */
    void progress(int epoch, double done, long epochImages, long elapsedNanos, double loss) {
        double seconds = elapsedNanos / 1e9;
        double rate = done * epochImages / seconds;
        double eta = seconds / done * (1 - done) + seconds / done * (epochs - epoch - 1);
        String lossText = Double.isNaN(loss) ? "n/a" : String.format("%.4f", loss);
        out.printf("  epoch %d  %3.0f%%  %.0f img/s  loss %s  ETA %s%n", epoch + 1, 100 * done, rate, lossText,
                Trainer.clock(eta));
    }

    void epochDone(EpochMetrics metrics, double lr, TrainingTimes times) {
        out.printf("epoch %d/%d  lr %.4f  loss %.4f  top-1 %.2f%%  top-5 %.2f%%  %.0f img/s  train %s (%s)  eval %s%n",
                metrics.epoch(), epochs, lr, metrics.trainLoss(), 100 * metrics.top1(), 100 * metrics.top5(),
                metrics.imagesPerSecond(), Trainer.clock(metrics.trainSeconds()), times.describe(),
                Trainer.clock(metrics.evalSeconds()));
    }

    void skips(String what, SkipAccumulator skips) {
        if (!skips.isZero()) {
            out.println("  skipped " + what + " images so far: " + skips.value().summary());
        }
    }
}
