package io.attnspark.model.layer;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * A 1×1 convolution to a single output channel (GCNet's and simplified non-local's attention logits) as matrix
 * products over chunks of the batch ({@link ExampleBlocks}): with x as rows [N·C, H·W], the logits of a chunk are
 * the block-diagonal [k, k·C] of the weight times its rows. oneDNN took 3x PyTorch's time for C → 1.
 */
final class PointwiseProjection {

    private PointwiseProjection() { }

    static boolean suits(GroupedConvolution conf) {
        return conf.getKernel() == 1 && conf.getStride() == 1 && conf.getPadding() == 0 && conf.getGroups() == 1
                && conf.getNOut() == 1;
    }

    /** Writes {@code w · x[n] + b} into {@code output} [N, 1, H, W]; {@code bias} may be null. */
    static void forward(INDArray x, INDArray weights, INDArray bias, INDArray output) {
        long n = x.size(0);
        long channels = x.size(1);
        INDArray rows = rows(x);
        INDArray logits = output.reshape('c', n, rows.size(1));
        for (long start = 0; start < n; start += ExampleBlocks.CHUNK) {
            long count = Math.min(ExampleBlocks.CHUNK, n - start);
            Nd4j.gemm(blockDiagonal(weights, count), ExampleBlocks.exampleRows(rows, channels, start, count),
                    ExampleBlocks.chunk(logits, start, count), false, false, 1.0, 0.0);
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
        for (long start = 0; start < n; start += ExampleBlocks.CHUNK) {
            long count = Math.min(ExampleBlocks.CHUNK, n - start);
            INDArray chunkEpsilon = ExampleBlocks.chunk(e, start, count);
            Nd4j.gemm(blockDiagonal(weights, count), chunkEpsilon,
                    ExampleBlocks.exampleRows(inputGradientRows, channels, start, count), true, false, 1.0, 0.0);
            INDArray blocks = Nd4j.gemm(chunkEpsilon, ExampleBlocks.exampleRows(rows, channels, start, count), false, true);
            for (long i = 0; i < count; i++) {
                weightGradientRow.addi(blocks.get(NDArrayIndex.interval(i, i + 1),
                        NDArrayIndex.interval(i * channels, (i + 1) * channels)));
            }
        }
        if (biasGradient != null) {
            biasGradient.assign(e.sum());
        }
    }

    /** [count, count·C] with the weight [1, C, 1, 1] on the diagonal blocks. */
    private static INDArray blockDiagonal(INDArray weights, long count) {
        return ExampleBlocks.blockRows(weights.reshape('c', 1, weights.length()).repeat(0, count));
    }

    /** x as [N·C, H·W]. */
    private static INDArray rows(INDArray x) {
        return RowOps.contiguous(x).reshape('c', x.size(0) * x.size(1), x.size(2) * x.size(3));
    }
}
