package io.attnspark.model.layer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * {@link RowOps}' and {@link Relu}'s float passes, which run on oneDNN ({@link OneDnnRowOps}, {@link OneDnnElementwise}),
 * against the same ops in double precision, which stay with ND4J: equal to float rounding, for maps of many pixels,
 * of one pixel (oneDNN's reduction refuses those) and single rows, in place and on views oneDNN does not take.
 */
class OneDnnElementwiseOpsTest {

    private static final double TOLERANCE = 1e-5;

    static Stream<long[]> shapes() {
        return Stream.of(new long[] {2, 3, 5, 7}, new long[] {4, 16, 1, 1}, new long[] {1, 1, 9, 9},
                new long[] {3, 64, 14, 14});
    }

    @ParameterizedTest
    @MethodSource("shapes")
    void rowArithmeticEqualsDoublePrecision(long[] shape) {
        INDArray x = random(shape, 1);
        INDArray y = random(shape, 2);
        INDArray column = random(new long[] {shape[0] * shape[1], 1}, 3);
        for (var op : RowOp.values()) {
            INDArray floatTarget = Nd4j.createUninitialized(DataType.FLOAT, shape);
            op.apply(RowOps.rows(x), column, RowOps.rows(floatTarget));
            INDArray doubleTarget = Nd4j.createUninitialized(DataType.DOUBLE, shape);
            op.apply(RowOps.rows(x.castTo(DataType.DOUBLE)), column.castTo(DataType.DOUBLE), RowOps.rows(doubleTarget));
            assertClose(doubleTarget, floatTarget, op.name());
        }
        assertClose(RowOps.sum(RowOps.rows(x.castTo(DataType.DOUBLE))), RowOps.sum(RowOps.rows(x)), "sum");
        assertClose(RowOps.dot(RowOps.rows(x.castTo(DataType.DOUBLE)), RowOps.rows(y.castTo(DataType.DOUBLE))),
                RowOps.dot(RowOps.rows(x), RowOps.rows(y)), "dot");
        INDArray floatMeans = Nd4j.createUninitialized(DataType.FLOAT, shape[0], shape[1]);
        INDArray doubleMeans = Nd4j.createUninitialized(DataType.DOUBLE, shape[0], shape[1]);
        RowOps.mean(RowOps.rows(x), floatMeans);
        RowOps.mean(RowOps.rows(x.castTo(DataType.DOUBLE)), doubleMeans);
        assertClose(doubleMeans, floatMeans, "mean");
    }

    @Test
    void rowOpsWorkInPlaceAndOnViews() {
        INDArray x = random(new long[] {6, 10}, 4);
        INDArray column = random(new long[] {6, 1}, 5);
        INDArray expected = x.castTo(DataType.DOUBLE).mulColumnVector(column.castTo(DataType.DOUBLE));
        INDArray inPlace = x.dup();
        RowOps.multiply(inPlace, column, inPlace);
        assertClose(expected, inPlace, "in place");
        // every other column: a view with gaps, which stays with ND4J
        INDArray wide = random(new long[] {6, 20}, 6);
        INDArray view = wide.get(NDArrayIndex.all(), NDArrayIndex.interval(0, 2, 20));
        assertTrue(!OneDnn.isDense(view));
        assertClose(view.castTo(DataType.DOUBLE).sum(1), RowOps.sum(view), "sum of a view");
        assertClose(view.castTo(DataType.DOUBLE).mul(x.castTo(DataType.DOUBLE)).sum(1), RowOps.dot(view, x), "dot of a view");
    }

    @ParameterizedTest
    @MethodSource("shapes")
    void reluPassesEqualTheirDefinitions(long[] shape) {
        INDArray x = random(shape, 7);
        INDArray y = random(shape, 8);
        INDArray epsilon = random(shape, 9);
        INDArray out = Nd4j.createUninitialized(DataType.FLOAT, shape);
        Relu.forward(x, out);
        assertClose(Nd4j.nn().relu(x.castTo(DataType.DOUBLE), 0), out, "relu");
        INDArray gradient = Nd4j.createUninitialized(DataType.FLOAT, shape);
        Relu.backward(x, epsilon, gradient);
        INDArray mask = x.castTo(DataType.DOUBLE).gt(0).castTo(DataType.DOUBLE);
        assertClose(mask.mul(epsilon.castTo(DataType.DOUBLE)), gradient, "relu gradient");
        INDArray sum = y.dup();
        Relu.sum(x, sum, sum);
        assertClose(Nd4j.nn().relu(x.castTo(DataType.DOUBLE).add(y.castTo(DataType.DOUBLE)), 0), sum, "add + relu");
    }

    @Test
    void reluGradientIsZeroWhereTheActivationIsZero() {
        INDArray activation = Nd4j.createFromArray(0f, -1f, 2f, 0f);
        INDArray epsilon = Nd4j.createFromArray(5f, 5f, 5f, -3f);
        INDArray gradient = Nd4j.createUninitialized(DataType.FLOAT, 4);
        Relu.backward(activation, epsilon, gradient);
        assertArrayEquals(new float[] {0f, 0f, 5f, 0f}, gradient.toFloatVector(), 0f);
    }

    private enum RowOp {
        MULTIPLY, ADD, SUBTRACT;

        void apply(INDArray rows, INDArray column, INDArray target) {
            switch (this) {
                case MULTIPLY -> RowOps.multiply(rows, column, target);
                case ADD -> RowOps.add(rows, column, target);
                case SUBTRACT -> RowOps.subtract(rows, column, target);
            }
        }
    }

    private static INDArray random(long[] shape, long seed) {
        return Nd4j.getRandomFactory().getNewRandomInstance(seed).nextGaussian(shape).castTo(DataType.FLOAT);
    }

    private static void assertClose(INDArray expected, INDArray actual, String what) {
        double[] e = expected.castTo(DataType.DOUBLE).data().asDouble();
        double[] a = actual.castTo(DataType.DOUBLE).dup('c').data().asDouble();
        assertArrayEquals(expected.castTo(DataType.DOUBLE).dup('c').data().asDouble(), a,
                TOLERANCE * Math.max(1, maxAbs(e)), what);
    }

    private static double maxAbs(double[] values) {
        double max = 0;
        for (double v : values) {
            max = Math.max(max, Math.abs(v));
        }
        return max;
    }
}
