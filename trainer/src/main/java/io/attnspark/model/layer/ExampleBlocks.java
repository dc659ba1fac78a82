package io.attnspark.model.layer;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * Per-example products over a whole chunk of the batch as one wide matrix product. With a map as rows [N·C, P]
 * (example n's channels are rows n·C to n·C + C - 1), a product of example n's rows with its own vector v[n] is one
 * product of all rows with the block-diagonal [k, k·C] that holds v[n] in row n's block n. ND4J's batched products of
 * one row or one column per example stream the map once per example at a fraction of memory speed; the zeros cost k
 * times the multiplications of a product bound by memory, so chunks stay small.
 */
final class ExampleBlocks {

    /** Examples per product: the block-diagonal operand repeats the multiplications this many times. */
    static final int CHUNK = 8;

    private ExampleBlocks() { }

    /** [k, k·V] with row i of {@code perExample} [k, V] at columns i·V to i·V + V - 1 and zeros elsewhere. */
    static INDArray blockRows(INDArray perExample) {
        long k = perExample.size(0);
        long width = perExample.size(1);
        INDArray blocks = Nd4j.zeros(perExample.dataType(), k, k * width);
        for (long i = 0; i < k; i++) {
            blocks.get(NDArrayIndex.interval(i, i + 1), NDArrayIndex.interval(i * width, (i + 1) * width))
                    .assign(perExample.get(NDArrayIndex.interval(i, i + 1), NDArrayIndex.all()));
        }
        return blocks;
    }

    /** Rows start·perExample to (start + count)·perExample - 1 of {@code rows}, a view. */
    static INDArray exampleRows(INDArray rows, long perExample, long start, long count) {
        return rows.get(NDArrayIndex.interval(start * perExample, (start + count) * perExample), NDArrayIndex.all());
    }

    /** Rows start to start + count - 1 of {@code matrix}, a view. */
    static INDArray chunk(INDArray matrix, long start, long count) {
        return matrix.get(NDArrayIndex.interval(start, start + count), NDArrayIndex.all());
    }

    /** {@code target[i, :] = square[i·V : i·V + V, i]} for the [k·V, k] product of rows and per-example columns. */
    static void diagonalBlocks(INDArray square, INDArray target) {
        long k = target.size(0);
        long width = target.size(1);
        for (long i = 0; i < k; i++) {
            target.get(NDArrayIndex.interval(i, i + 1), NDArrayIndex.all()).assign(
                    square.get(NDArrayIndex.interval(i * width, (i + 1) * width), NDArrayIndex.point(i)).reshape(1, width));
        }
    }
}
