package io.attnspark.model.layer;

import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.gradient.DefaultGradient;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.layers.normalization.BatchNormalization;
import org.deeplearning4j.nn.params.BatchNormalizationParamInitializer;
import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The runtime layer of {@link BatchNorm2d}. Float maps in host memory take {@link VectorBatchNorm}'s fused
 * per-channel passes where the JVM has {@code jdk.incubator.vector} ({@code --add-modules=jdk.incubator.vector}, in
 * {@code cluster-config/java17.args} and the executors' options). Otherwise the input is viewed as rows [N*C, H*W],
 * so every reduction runs along contiguous rows and every per-channel scale or shift is a per-row op
 * ({@link RowOps}, {@link PerChannelAffine}); strided [C]-broadcasts and strided reductions over (0, 2, 3) are several
 * times slower in ND4J M2.1. Statistics and backward terms are {@link BatchNormStatistics}' on both paths.
 */
public class BatchNorm2dLayer extends BatchNormalization implements ReadsGradientOnly {

    private static final String GAMMA = BatchNormalizationParamInitializer.GAMMA;
    private static final String BETA = BatchNormalizationParamInitializer.BETA;
    private static final String MEAN = BatchNormalizationParamInitializer.GLOBAL_MEAN;
    private static final String VAR = BatchNormalizationParamInitializer.GLOBAL_VAR;
    /** The module batch norm's vector kernel needs at JVM start. */
    public static final String VECTOR_MODULE = "jdk.incubator.vector";
    private static final boolean VECTOR_KERNEL = ModuleLayer.boot().findModule(VECTOR_MODULE).isPresent()
            && VectorBatchNorm.accelerated();
    /** A system property that keeps batch norm on the row passes: for comparisons, and a way out. */
    static final String ROW_PASSES = "attnspark.batchNorm.rowPasses";

    /** The training forward pass's batch statistics and output, for backward. */
    private BatchNormStatistics statistics;
    private INDArray output;

    /** Which training passes batch norm runs in this JVM, for the start-up report. */
    public static String kernel() {
        if (Boolean.getBoolean(ROW_PASSES)) {
            return "row passes (" + ROW_PASSES + ")";
        }
        return VECTOR_KERNEL ? "vector API" : "row passes (no " + VECTOR_MODULE + ")";
    }

    private static boolean onVectorKernel(INDArray... arrays) {
        return VECTOR_KERNEL && !Boolean.getBoolean(ROW_PASSES) && VectorBatchNorm.takes(arrays);
    }

    public BatchNorm2dLayer(NeuralNetConfiguration conf, DataType dataType) {
        super(conf, dataType);
    }

    private BatchNorm2d config() {
        return (BatchNorm2d) layerConf();
    }

    @Override
    public INDArray activate(boolean training, LayerWorkspaceMgr workspaceMgr) {
        assertInputSet(false);
        INDArray x = RowOps.contiguous(input.castTo(dataType));
        long channels = x.size(1);
        if (channels != config().getNOut()) {
            throw new IllegalArgumentException("batch norm " + layerId() + " expects " + config().getNOut()
                    + " channels, got input of shape " + java.util.Arrays.toString(x.shape()));
        }
        INDArray out = workspaceMgr.createUninitialized(ArrayType.ACTIVATIONS, dataType, x.shape(), 'c');
        double[] gamma = param(GAMMA).toDoubleVector();
        double[] beta = param(BETA).toDoubleVector();
        statistics = null;
        output = null;
        if (training) {
            if (elementsPerChannel(x) < 2) {
                throw new IllegalArgumentException("batch norm " + layerId() + " needs more than one value per channel"
                        + " in training, like torch; got input of shape " + java.util.Arrays.toString(x.shape()));
            }
            statistics = onVectorKernel(x, out)
                    ? VectorBatchNorm.forward(x, gamma, beta, config().getEps(), config().isRelu(), out)
                    : trainingRowPasses(x, gamma, beta, out);
            output = out;
            return out;
        }
        double[] runningMean = param(MEAN).toDoubleVector();
        double[] runningVariance = param(VAR).toDoubleVector();
        double[] scale = new double[gamma.length];
        double[] shift = new double[gamma.length];
        for (int c = 0; c < gamma.length; c++) {
            scale[c] = gamma[c] / Math.sqrt(runningVariance[c] + config().getEps());
            shift[c] = beta[c] - runningMean[c] * scale[c];
        }
        PerChannelAffine.forward(x, scale, shift, config().isRelu(), out);
        return out;
    }

    /** The training forward pass on rows: statistics, then {@code out} as x - shift, scaled and shifted in place. */
    private BatchNormStatistics trainingRowPasses(INDArray x, double[] gamma, double[] beta, INDArray out) {
        var batchStatistics = BatchNormStatistics.of(RowOps.rows(x), RowOps.rows(out), x.size(0),
                elementsPerChannel(x), config().getEps());
        double[] scale = new double[gamma.length];
        double[] shift = new double[gamma.length];
        for (int c = 0; c < gamma.length; c++) {
            var affine = batchStatistics.trainingAffine(c, gamma[c], beta[c]);
            scale[c] = affine.scale();
            shift[c] = affine.offset();
        }
        PerChannelAffine.forward(out, scale, shift, config().isRelu(), out);
        return batchStatistics;
    }

    @Override
    public Pair<Gradient, INDArray> backpropGradient(INDArray epsilon, LayerWorkspaceMgr workspaceMgr) {
        assertInputSet(true);
        if (statistics == null || output == null) {
            throw new IllegalStateException("batch norm " + layerId() + ": backprop without a training forward pass");
        }
        INDArray x = RowOps.contiguous(input.castTo(dataType));
        INDArray dy = RowOps.contiguous(epsilon.castTo(dataType));
        INDArray dx = workspaceMgr.createUninitialized(ArrayType.ACTIVATION_GRAD, dataType, x.shape(), 'c');
        double[] gamma = param(GAMMA).toDoubleVector();
        int channels = gamma.length;
        double[] dGamma = new double[channels];
        double[] dBeta = new double[channels];
        INDArray reluOutput = config().isRelu() ? output : null;
        if (onVectorKernel(x, output, dy, dx)) {
            VectorBatchNorm.backward(x, reluOutput, dy, statistics, gamma, dx, dGamma, dBeta);
        } else {
            if (reluOutput != null) {
                INDArray masked = workspaceMgr.createUninitialized(ArrayType.BP_WORKING_MEM, dataType, x.shape(), 'c');
                Relu.backward(reluOutput, dy, masked);
                dy = masked;
            }
            backwardRowPasses(x, dy, gamma, dx, dGamma, dBeta);
        }

        // the updater subtracts these (NoOp), giving running = decay * running + (1 - decay) * batch, as torch does
        double count = elementsPerChannel(x);
        double momentum = 1.0 - config().getDecay();
        double[] runningMean = param(MEAN).toDoubleVector();
        double[] runningVariance = param(VAR).toDoubleVector();
        double[] meanStep = new double[channels];
        double[] varianceStep = new double[channels];
        for (int k = 0; k < channels; k++) {
            meanStep[k] = (runningMean[k] - statistics.mean()[k]) * momentum;
            varianceStep[k] = (runningVariance[k] - statistics.variance()[k] * count / (count - 1)) * momentum;
        }
        Gradient gradient = new DefaultGradient();
        gradient.setGradientFor(GAMMA, assign(GAMMA, dGamma));
        gradient.setGradientFor(BETA, assign(BETA, dBeta));
        gradient.setGradientFor(MEAN, assign(MEAN, meanStep));
        gradient.setGradientFor(VAR, assign(VAR, varianceStep));
        return new Pair<>(gradient, dx);
    }

    /** Backward on rows from dy (after the ReLU's mask): fills dγ and dβ, writes dx. */
    private void backwardRowPasses(INDArray x, INDArray dy, double[] gamma, INDArray dx, double[] dGamma,
                                   double[] dBeta) {
        long batch = x.size(0);
        double count = elementsPerChannel(x);
        INDArray dyRows = RowOps.rows(dy);
        System.arraycopy(RowOps.channelSums(RowOps.sum(dyRows), batch), 0, dBeta, 0, dBeta.length);
        // dx starts as x - shift, whose products with dy give dγ without cancellation
        INDArray dxRows = RowOps.rows(dx);
        RowOps.subtract(RowOps.rows(x), RowOps.tiledColumn(statistics.shift(), batch, dataType), dxRows);
        double[] shiftedDotDy = RowOps.channelSums(RowOps.dot(dxRows, dyRows), batch);
        double[] a = new double[gamma.length];
        double[] p = new double[gamma.length];
        double[] q = new double[gamma.length];
        for (int k = 0; k < gamma.length; k++) {
            var factors = statistics.backwardFactors(k, dBeta[k], shiftedDotDy[k], gamma[k], count);
            dGamma[k] = factors.dGamma();
            a[k] = factors.a();
            p[k] = factors.p();
            q[k] = factors.q();
        }
        PerChannelAffine.backward(dx, dy, a, p, q, dx);
    }

    /** Writes per-channel values into the gradient view of {@code key}. */
    private INDArray assign(String key, double[] values) {
        INDArray view = gradientViews.get(key);
        return view.assign(Nd4j.create(values, view.shape(), view.dataType()));
    }

    @Override
    public void clear() {
        super.clear();
        statistics = null;
        output = null;
    }

    /** A parameter as a [C] vector. */
    private INDArray param(String key) {
        INDArray value = getParam(key);
        return value.reshape(value.length());
    }

    private static double elementsPerChannel(INDArray x) {
        return (double) x.length() / x.size(1);
    }
}
