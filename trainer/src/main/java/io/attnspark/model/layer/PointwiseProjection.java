package io.attnspark.model.layer;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * A 1×1 convolution to a single output channel (GCNet's and simplified non-local's attention logits) as matrix
 * products over whole chunks of the batch. With x as rows [N·C, H·W], the logits of examples i..i+k are
 * {@code B · rows}, where B [k, k·C] holds the weight w on its diagonal blocks: one wide product that streams x once,
 * instead of k products of a single row (the zeros cost k times the multiplications of a product that is bound by
 * memory, so chunks stay small). oneDNN took 3x PyTorch's time for C → 1.
 */
final class PointwiseProjection {

    /** Examples per product: the block-diagonal weight repeats the multiplications this many times. */
    private static final int CHUNK = 8;

    private PointwiseProjection() { }

    static boolean suits(GroupedConvolution conf) {
        return conf.getKernel() == 1 && conf.getStride() == 1 && conf.getPadding() == 0 && conf.getGroups() == 1
                && conf.getNOut() == 1;
    }

    /** Writes {@code w · x[n] + b} into {@code output} [N, 1, H, W]; {@code bias} may be null. */
    static void forward(INDArray x, INDArray weights, INDArray bias, INDArray output) {
        long n = x.size(0);
        INDArray rows = rows(x);
        INDArray logits = output.reshape('c', n, rows.size(1));
        for (long start = 0; start < n; start += CHUNK) {
            long count = Math.min(CHUNK, n - start);
            Nd4j.gemm(blockDiagonal(weights, count), exampleRows(rows, x.size(1), start, count),
                    logits.get(NDArrayIndex.interval(start, start + count), NDArrayIndex.all()), false, false, 1.0, 0.0);
        }
        if (bias != null) {
            output.addi(bias.getDouble(0));
        }
    }

    /**
     * Fills {@code inputGradient} with {@code wᵀ · e[n]}, {@code weightGradient} with the sum over examples of
     * {@code e[n] · x[n]ᵀ} (the diagonal blocks of {@code e · rowsᵀ}) and {@code biasGradient} (may be null) with the
     * sum of e.
     */
    static void backward(INDArray x, INDArray weights, INDArray epsilon, INDArray inputGradient,
                         INDArray weightGradient, INDArray biasGradient) {
        long n = x.size(0);
        long channels = x.size(1);
        INDArray rows = rows(x);
        INDArray e = RowOps.contiguous(epsilon).reshape('c', n, rows.size(1));
        INDArray inputGradientRows = inputGradient.reshape('c', rows.shape());
        INDArray weightGradientRow = weightGradient.reshape('c', 1, channels);
        weightGradientRow.assign(0);
        for (long start = 0; start < n; start += CHUNK) {
            long count = Math.min(CHUNK, n - start);
            INDArray chunkEpsilon = e.get(NDArrayIndex.interval(start, start + count), NDArrayIndex.all());
            Nd4j.gemm(blockDiagonal(weights, count), chunkEpsilon,
                    exampleRows(inputGradientRows, channels, start, count), true, false, 1.0, 0.0);
            INDArray blocks = Nd4j.gemm(chunkEpsilon, exampleRows(rows, channels, start, count), false, true);
            for (long i = 0; i < count; i++) {
                weightGradientRow.addi(blocks.get(NDArrayIndex.interval(i, i + 1),
                        NDArrayIndex.interval(i * channels, (i + 1) * channels)));
            }
        }
        if (biasGradient != null) {
            biasGradient.assign(e.sum());
        }
    }

    /** [count, count·C] with the weight [1, C, 1, 1] on the diagonal blocks and zeros elsewhere. */
    private static INDArray blockDiagonal(INDArray weights, long count) {
        return Nd4j.eye(count).castTo(weights.dataType()).reshape('c', count * count, 1)
                .mmul(weights.reshape('c', 1, weights.length())).reshape('c', count, count * weights.length());
    }

    /** x as [N·C, H·W]. */
    private static INDArray rows(INDArray x) {
        return RowOps.contiguous(x).reshape('c', x.size(0) * x.size(1), x.size(2) * x.size(3));
    }

    /** The rows of examples start..start+count-1, a view. */
    private static INDArray exampleRows(INDArray rows, long channels, long start, long count) {
        return rows.get(NDArrayIndex.interval(start * channels, (start + count) * channels), NDArrayIndex.all());
    }
}
