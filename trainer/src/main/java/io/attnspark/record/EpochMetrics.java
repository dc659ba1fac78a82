package io.attnspark.record;

/**
 * What one training epoch achieved.
 *
 * @param epoch           1-based epoch number
 * @param trainLoss       mean training loss over the epoch
 * @param top1            top-1 accuracy on the validation set, in [0, 1]
 * @param top5            top-5 accuracy on the validation set, in [0, 1]
 * @param trainImages     images the epoch trained on, summed over workers
 * @param trainSeconds    wall time of the training part of the epoch
 * @param evalSeconds     wall time of the validation part of the epoch
 * @param imagesPerSecond training throughput of the epoch ({@code trainImages / trainSeconds})
 * @param workerSeconds   mean time a worker spent fitting minibatches (from the training master's stats); null if
 *                        not measured
 * @param overheadSeconds the rest of the epoch's training wall time: broadcasting parameters, loading data,
 *                        averaging, Spark scheduling; null if not measured
 */
public record EpochMetrics(int epoch, double trainLoss, double top1, double top5, long trainImages,
                           double trainSeconds, double evalSeconds, double imagesPerSecond, Double workerSeconds,
                           Double overheadSeconds) {

    /** An epoch without the training master's time split. */
    public EpochMetrics(int epoch, double trainLoss, double top1, double top5, long trainImages, double trainSeconds,
                        double evalSeconds, double imagesPerSecond) {
        this(epoch, trainLoss, top1, top5, trainImages, trainSeconds, evalSeconds, imagesPerSecond, null, null);
    }

    public EpochMetrics {
        if (epoch < 1) {
            throw new IllegalArgumentException("epoch must be 1-based, got " + epoch);
        }
        String where = "epoch " + epoch + ": ";
        Checks.nonNegativeFinite(trainLoss, where + "trainLoss (a diverged run is recorded as failed)");
        Checks.accuracy(top1, where + "top1");
        Checks.accuracy(top5, where + "top5");
        if (top5 < top1) {
            throw new IllegalArgumentException(where + "top5 " + top5 + " is below top1 " + top1
                    + "; top-5 counts every top-1 hit, so pass the accuracies in the right order");
        }
        if (trainImages < 0) {
            throw new IllegalArgumentException(where + "trainImages must be >= 0, got " + trainImages);
        }
        Checks.nonNegativeFinite(trainSeconds, where + "trainSeconds");
        Checks.nonNegativeFinite(evalSeconds, where + "evalSeconds");
        Checks.nonNegativeFinite(imagesPerSecond, where + "imagesPerSecond");
        if (workerSeconds != null) {
            Checks.nonNegativeFinite(workerSeconds, where + "workerSeconds");
        }
        if (overheadSeconds != null) {
            Checks.nonNegativeFinite(overheadSeconds, where + "overheadSeconds");
        }
    }
}
