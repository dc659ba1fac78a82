package io.attnspark.model.layer;

import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * A batch norm's per-channel batch statistics, in double as torch accumulates them: the float {@code shift} the input
 * was centred on, the exact {@code mean}, the biased {@code variance} and {@code invStd} = 1 / sqrt(variance + eps).
 * Centring on the float mean first, then correcting by the mean of what is left (Björck's corrected two passes),
 * keeps the variance exact where |mean| ≫ std: x - shift is exact in float there (Sterbenz), so nothing cancels even
 * with two values per channel (1x1 maps in SK's and split attention's fuse layers in training).
 */
record BatchNormStatistics(double[] shift, double[] mean, double[] variance, double[] invStd) {

    /** Backward's per-channel terms: dγ, and dx = a·(dy + p·(x - shift) + q). */
    record Factors(double dGamma, double a, double p, double q) { }

    /** The training output's per-channel terms: y = (x - shift)·scale + offset. */
    record Affine(double scale, double offset) { }

    static BatchNormStatistics empty(int channels) {
        return new BatchNormStatistics(new double[channels], new double[channels], new double[channels],
                new double[channels]);
    }

    /** ND4J or oneDNN row passes: centres {@code rows} [N*C, H*W] on their float mean into {@code centred}. */
    static BatchNormStatistics of(INDArray rows, INDArray centred, long batch, double count, double eps) {
        double[] shift = RowOps.channelSums(RowOps.sum(rows), batch);
        for (int c = 0; c < shift.length; c++) {
            shift[c] = (float) (shift[c] / count);
        }
        RowOps.subtract(rows, RowOps.tiledColumn(shift, batch, rows.dataType()), centred);
        double[] residual = RowOps.channelSums(RowOps.sum(centred), batch);
        // a dot product, because ND4J's SquaredNorm along a dimension of size 1 (1x1 maps) returns x, not x²
        double[] squares = RowOps.channelSums(RowOps.dot(centred, centred), batch);
        var statistics = empty(shift.length);
        for (int c = 0; c < shift.length; c++) {
            statistics.set(c, shift[c], residual[c], squares[c], count, eps);
        }
        return statistics;
    }

    /** Channel c's statistics from Σ (x - shift) and Σ (x - shift)² over its {@code count} values. */
    void set(int c, double channelShift, double residual, double squares, double count, double eps) {
        double correction = residual / count;
        shift[c] = channelShift;
        mean[c] = channelShift + correction;
        variance[c] = Math.max(0, squares / count - correction * correction);
        invStd[c] = 1 / Math.sqrt(variance[c] + eps);
    }

    /** Channel c's training output terms: scale = γ·invStd, offset = β - (mean - shift)·scale. */
    Affine trainingAffine(int c, double gamma, double beta) {
        double scale = gamma * invStd[c];
        return new Affine(scale, beta - (mean[c] - shift[c]) * scale);
    }

    /**
     * Channel c's backward terms from dβ = Σ dy and Σ dy·(x - shift): with xc = x - mean,
     * dγ = Σ xc·dy · invStd and dx = γ·invStd·(dy - mean(dy) - xc·invStd²·mean(xc·dy)).
     */
    Factors backwardFactors(int c, double dBeta, double shiftedDotDy, double gamma, double count) {
        double offset = mean[c] - shift[c];
        double centredDotDy = shiftedDotDy - offset * dBeta;
        double p = -invStd[c] * invStd[c] * centredDotDy / count;
        return new Factors(centredDotDy * invStd[c], gamma * invStd[c], p, -dBeta / count - p * offset);
    }
}
