package io.attnspark.model.layer;

import java.util.function.Supplier;
import org.bytedeco.dnnl.global.dnnl.algorithm;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.BaseScalarOp;
import org.nd4j.linalg.api.ops.impl.reduce3.Dot;
import org.nd4j.linalg.api.ops.impl.scalar.ScalarAdd;
import org.nd4j.linalg.api.ops.impl.scalar.ScalarMultiplication;
import org.nd4j.linalg.api.ops.impl.scalar.ScalarSet;
import org.nd4j.linalg.api.ops.impl.scalar.ScalarSubtraction;
import org.nd4j.linalg.api.shape.Shape;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Per-channel arithmetic on NCHW activations viewed as rows [N*C, H*W], one row per example and channel. ND4J M2.1
 * runs a scalar op with one scalar per row, and reductions and dot products along rows, several times faster than
 * the strided broadcasts and reductions over dimensions (0, 2, 3) or (2, 3) of the 4-d array (2 ms against 13 ms for
 * a [64, 64, 32, 32] multiply on this machine); oneDNN's primitives ({@link OneDnnRowOps}) run them 2 to 6 times
 * faster again, and take every float array without gaps on a CPU backend.
 */
public final class RowOps {

    private RowOps() { }

    /** {@code array} itself when it has c-order default strides, else a c-order copy. */
    public static INDArray contiguous(INDArray array) {
        return Shape.hasDefaultStridesForShape(array) ? array : array.dup('c');
    }

    /** A contiguous NCHW (or NC) array as rows [N*C, H*W]. */
    public static INDArray rows(INDArray array) {
        long rows = array.size(0) * array.size(1);
        return array.reshape('c', rows, array.length() / rows);
    }

    /** One value per row ([N, C], [N*C] or [N, C, 1, 1]) as the column [N*C, 1] that per-row ops take. */
    public static INDArray column(INDArray perRow) {
        return perRow.reshape('c', perRow.length(), 1);
    }

    /**
     * Per-channel values [C] repeated for each of {@code batch} examples as a column [N*C, 1]. Copied on the Java
     * side: C values, where ND4J's tile op costs a native call with shape inference each time.
     */
    public static INDArray tiledColumn(INDArray perChannel, long batch) {
        return tiledColumn(perChannel.toDoubleVector(), batch, perChannel.dataType());
    }

    /** {@link #tiledColumn(INDArray, long)} of values held on the Java side, as {@code dataType}. */
    public static INDArray tiledColumn(double[] perChannel, long batch, DataType dataType) {
        double[] tiled = new double[Math.toIntExact(batch * perChannel.length)];
        for (int n = 0; n < batch; n++) {
            System.arraycopy(perChannel, 0, tiled, n * perChannel.length, perChannel.length);
        }
        return Nd4j.create(tiled, new long[] {tiled.length, 1}, dataType);
    }

    /** Per-row values [N*C] summed over the batch into per-channel values [C], in double precision. */
    public static double[] channelSums(INDArray perRow, long batch) {
        double[] values = perRow.toDoubleVector();
        double[] sums = new double[Math.toIntExact(values.length / batch)];
        for (int i = 0; i < values.length; i++) {
            sums[i % sums.length] += values[i];
        }
        return sums;
    }

    /** {@code target[r, :] = rows[r, :] * column[r]}; {@code target} may be {@code rows}. */
    public static void multiply(INDArray rows, INDArray column, INDArray target) {
        withColumn(algorithm.binary_mul, rows, column, target, () -> new ScalarMultiplication(rows, column, target, 0.0));
    }

    /** {@code target[r, :] = rows[r, :] + column[r]}; {@code target} may be {@code rows}. */
    public static void add(INDArray rows, INDArray column, INDArray target) {
        withColumn(algorithm.binary_add, rows, column, target, () -> new ScalarAdd(rows, column, target, 0.0));
    }

    /** {@code target[r, :] = rows[r, :] - column[r]}; {@code target} may be {@code rows}. */
    public static void subtract(INDArray rows, INDArray column, INDArray target) {
        withColumn(algorithm.binary_sub, rows, column, target, () -> new ScalarSubtraction(rows, column, target, 0.0));
    }

    /** {@code sum over j of rows[r, j]} as a new [N*C] array. */
    public static INDArray sum(INDArray rows) {
        return sum(rows, Nd4j.createUninitialized(rows.dataType(), rows.size(0)));
    }

    /** {@code sum over j of rows[r, j]} into {@code target}, any array of N*C elements without gaps; returns it. */
    public static INDArray sum(INDArray rows, INDArray target) {
        if (reducesOnOneDnn(rows, target)) {
            OneDnnRowOps.reduce(algorithm.reduction_sum, rows, target);
        } else {
            rows.sum(target.reshape(target.length()), 1);
        }
        return target;
    }

    /** {@code mean over j of rows[r, j]} into {@code target}, any array of N*C elements without gaps. */
    public static void mean(INDArray rows, INDArray target) {
        if (reducesOnOneDnn(rows, target)) {
            OneDnnRowOps.reduce(algorithm.reduction_mean, rows, target);
        } else {
            rows.mean(target.reshape(target.length()), 1);
        }
    }

    /** {@code target[r, :] = column[r]}. */
    public static void fill(INDArray target, INDArray column) {
        apply(new ScalarSet(target, column, target, 0.0));
    }

    /** {@code target[r] = sum over j of a[r, j] * b[r, j]}. */
    public static INDArray dot(INDArray aRows, INDArray bRows, INDArray target) {
        if (reducesOnOneDnn(aRows, bRows, target)) {
            OneDnnRowOps.dot(aRows, bRows, target);
            return target;
        }
        return Nd4j.getExecutioner().exec(new Dot(aRows, bRows, target, 1));
    }

    /** {@code sum over j of a[r, j] * b[r, j]} as a new [N*C] array. */
    public static INDArray dot(INDArray aRows, INDArray bRows) {
        return dot(aRows, bRows, Nd4j.createUninitialized(aRows.dataType(), aRows.size(0)));
    }

    /** On oneDNN where it takes the arrays, else ND4J's scalar op along rows. */
    private static void withColumn(algorithm operation, INDArray rows, INDArray column, INDArray target,
                                   Supplier<BaseScalarOp> nd4j) {
        if (OneDnn.takes(rows, column, target)) {
            OneDnnRowOps.withColumn(operation, rows, column, target);
            return;
        }
        apply(nd4j.get());
    }

    /** oneDNN's reduction needs a dimension to reduce: rows of one element stay with ND4J. */
    private static boolean reducesOnOneDnn(INDArray rows, INDArray... targets) {
        return rows.size(1) > 1 && OneDnn.takes(rows) && OneDnn.takes(targets);
    }

    private static void apply(BaseScalarOp op) {
        op.setDimension(1);
        Nd4j.getExecutioner().exec(op);
    }
}
