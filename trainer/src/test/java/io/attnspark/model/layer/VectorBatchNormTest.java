package io.attnspark.model.layer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.nativeblas.NativeOpsHolder;

/**
 * {@link VectorBatchNorm}'s fused passes against batch norm's formulas evaluated in double on the same float inputs,
 * at shapes whose rows are whole vectors, have a scalar tail, or are single values; and its independence of the
 * thread count. The layer's agreement with torch is {@link BatchNorm2dTest}'s.
 */
class VectorBatchNormTest {

    private static final double EPS = 1e-5;

    @Test
    void theTestJvmRunsTheVectorKernel() {
        assertEquals("vector API", BatchNorm2dLayer.kernel(), "cluster-config/java17.args must add jdk.incubator.vector");
    }

    @ParameterizedTest
    @CsvSource({"4, 16, 8, true, 0", "3, 5, 63, true, 0", "3, 5, 63, false, 50", "5, 7, 1, false, 0",
            "2, 3, 13, true, 1000"})
    void forwardAndBackwardEqualTheFormulasInDouble(int examples, int channels, int positions, boolean relu,
                                                    double offset) {
        Nd4j.getRandom().setSeed(examples * 1000L + positions);
        INDArray x = Nd4j.randn(DataType.FLOAT, examples, channels, positions, 1).muli(0.5).addi(offset);
        INDArray epsilon = Nd4j.randn(DataType.FLOAT, examples, channels, positions, 1);
        double[] gamma = Nd4j.rand(DataType.DOUBLE, channels).addi(0.5).toDoubleVector();
        double[] beta = Nd4j.randn(DataType.DOUBLE, channels).toDoubleVector();
        INDArray out = Nd4j.createUninitialized(DataType.FLOAT, x.shape());
        INDArray dx = Nd4j.createUninitialized(DataType.FLOAT, x.shape());
        double[] dGamma = new double[channels];
        double[] dBeta = new double[channels];

        var statistics = VectorBatchNorm.forward(x, gamma, beta, EPS, relu, out);
        VectorBatchNorm.backward(x, relu ? out : null, epsilon, statistics, gamma, dx, dGamma, dBeta);

        var reference = new Reference(x, epsilon, gamma, beta, relu);
        assertClose(reference.mean, statistics.mean(), 1e-6, "mean");
        assertClose(reference.variance, statistics.variance(), 1e-5, "variance");
        assertClose(reference.output, out.data().asDouble(), 1e-5, "output");
        assertClose(reference.dBeta, dBeta, 1e-5, "beta gradient");
        assertClose(reference.dGamma, dGamma, 1e-4, "gamma gradient");
        assertClose(reference.dx, dx.data().asDouble(), 1e-4, "input gradient");
    }

    @Test
    void resultsDoNotDependOnTheThreadCount() {
        Nd4j.getRandom().setSeed(7);
        INDArray x = Nd4j.randn(DataType.FLOAT, 4, 9, 37, 1);
        INDArray epsilon = Nd4j.randn(DataType.FLOAT, 4, 9, 37, 1);
        double[] gamma = Nd4j.rand(DataType.DOUBLE, 9).toDoubleVector();
        double[] beta = Nd4j.randn(DataType.DOUBLE, 9).toDoubleVector();
        var nativeOps = NativeOpsHolder.getInstance().getDeviceNativeOps();
        int threads = nativeOps.ompGetMaxThreads();
        try {
            nativeOps.setOmpNumThreads(1);
            assertEquals(1, nativeOps.ompGetMaxThreads());
            double[][] single = run(x, epsilon, gamma, beta);
            nativeOps.setOmpNumThreads(3);
            assertEquals(3, nativeOps.ompGetMaxThreads());
            double[][] three = run(x, epsilon, gamma, beta);
            for (int i = 0; i < single.length; i++) {
                assertArrayEquals(single[i], three[i], 0.0, "result " + i);
            }
        } finally {
            nativeOps.setOmpNumThreads(threads);
        }
    }

    private static double[][] run(INDArray x, INDArray epsilon, double[] gamma, double[] beta) {
        INDArray out = Nd4j.createUninitialized(DataType.FLOAT, x.shape());
        INDArray dx = Nd4j.createUninitialized(DataType.FLOAT, x.shape());
        double[] dGamma = new double[gamma.length];
        double[] dBeta = new double[gamma.length];
        var statistics = VectorBatchNorm.forward(x, gamma, beta, EPS, true, out);
        VectorBatchNorm.backward(x, out, epsilon, statistics, gamma, dx, dGamma, dBeta);
        return new double[][] {out.data().asDouble(), dx.data().asDouble(), dGamma, dBeta, statistics.mean(),
                statistics.variance()};
    }

    /** |expected - actual| within {@code tolerance} times the largest |expected| (at least 1). */
    private static void assertClose(double[] expected, double[] actual, double tolerance, String what) {
        double scale = 1;
        for (double value : expected) {
            scale = Math.max(scale, Math.abs(value));
        }
        for (int i = 0; i < expected.length; i++) {
            assertTrue(Math.abs(expected[i] - actual[i]) <= tolerance * scale,
                    what + "[" + i + "]: expected " + expected[i] + ", got " + actual[i]);
        }
    }

    /** Batch norm (+ ReLU) forward and backward in double, element by element, as torch defines them. */
    private static final class Reference {
        final double[] mean;
        final double[] variance;
        final double[] output;
        final double[] dBeta;
        final double[] dGamma;
        final double[] dx;

        Reference(INDArray input, INDArray gradient, double[] gamma, double[] beta, boolean relu) {
            int examples = (int) input.size(0);
            int channels = (int) input.size(1);
            int positions = (int) (input.length() / ((long) examples * channels));
            double[] x = input.data().asDouble();
            double[] e = gradient.data().asDouble();
            double count = (double) examples * positions;
            mean = new double[channels];
            variance = new double[channels];
            output = new double[x.length];
            dBeta = new double[channels];
            dGamma = new double[channels];
            dx = new double[x.length];
            double[] dy = new double[x.length];
            double[] normalized = new double[x.length];
            for (int c = 0; c < channels; c++) {
                for (int n = 0; n < examples; n++) {
                    for (int i = 0; i < positions; i++) {
                        mean[c] += x[(n * channels + c) * positions + i] / count;
                    }
                }
                for (int n = 0; n < examples; n++) {
                    for (int i = 0; i < positions; i++) {
                        double centred = x[(n * channels + c) * positions + i] - mean[c];
                        variance[c] += centred * centred / count;
                    }
                }
                double invStd = 1 / Math.sqrt(variance[c] + EPS);
                for (int n = 0; n < examples; n++) {
                    for (int i = 0; i < positions; i++) {
                        int at = (n * channels + c) * positions + i;
                        normalized[at] = (x[at] - mean[c]) * invStd;
                        double y = gamma[c] * normalized[at] + beta[c];
                        output[at] = relu ? Math.max(y, 0) : y;
                        dy[at] = relu && y <= 0 ? 0 : e[at];
                        dBeta[c] += dy[at];
                        dGamma[c] += dy[at] * normalized[at];
                    }
                }
                for (int n = 0; n < examples; n++) {
                    for (int i = 0; i < positions; i++) {
                        int at = (n * channels + c) * positions + i;
                        dx[at] = gamma[c] * invStd / count
                                * (count * dy[at] - dBeta[c] - normalized[at] * dGamma[c]);
                    }
                }
            }
        }
    }
}
