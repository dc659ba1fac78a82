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
 * The runtime layer of {@link BatchNorm2d}. The input is viewed as rows [N*C, H*W], so every reduction runs along
 * contiguous rows and every per-channel scale or shift is ND4J's fast per-row scalar op (a channel's value tiled over
 * the batch); strided [C]-broadcasts and strided reductions over (0, 2, 3) are several times slower in ND4J M2.1.
 * <p>
 * Precision follows torch, which accumulates in double: per-channel statistics are double on the Java side, and the
 * input is centred on its float mean {@code shift}, then corrected by the mean of what is left (Björck's corrected two
 * passes). Where |mean| ≫ std, x - shift is exact in float (Sterbenz), so nothing cancels even with two values per
 * channel (1x1 maps in SK's and split attention's fuse layers in training). Backward is centred the same way: with
 * xc = x - mean, dγ = Σ xc·dy · invStd and dx = γ·invStd·(dy - mean(dy) - xc·invStd²·mean(xc·dy)).
 */
public class BatchNorm2dLayer extends BatchNormalization {

    private static final String GAMMA = BatchNormalizationParamInitializer.GAMMA;
    private static final String BETA = BatchNormalizationParamInitializer.BETA;
    private static final String MEAN = BatchNormalizationParamInitializer.GLOBAL_MEAN;
    private static final String VAR = BatchNormalizationParamInitializer.GLOBAL_VAR;

    /** The training forward pass's batch statistics and output, for backward. */
    private Statistics statistics;
    private INDArray output;

    /**
     * Per-channel batch statistics: the float {@code shift} the input was centred on, the exact {@code mean}, the
     * biased {@code variance} and {@code invStd} = 1 / sqrt(variance + eps), all in double.
     */
    private record Statistics(double[] shift, double[] mean, double[] variance, double[] invStd) {

        /** Centres {@code rows} on their float mean into {@code centred}, then corrects by what that left. */
        static Statistics of(INDArray rows, INDArray centred, long batch, double count, double eps) {
            double[] shift = RowOps.channelSums(RowOps.sum(rows), batch);
            for (int c = 0; c < shift.length; c++) {
                shift[c] = (float) (shift[c] / count);
            }
            RowOps.subtract(rows, RowOps.tiledColumn(shift, batch, rows.dataType()), centred);
            double[] residual = RowOps.channelSums(RowOps.sum(centred), batch);
            // a dot product, because ND4J's SquaredNorm along a dimension of size 1 (1x1 maps) returns x, not x²
            double[] squares = RowOps.channelSums(RowOps.dot(centred, centred), batch);
            int channels = shift.length;
            double[] mean = new double[channels];
            double[] variance = new double[channels];
            double[] invStd = new double[channels];
            for (int c = 0; c < channels; c++) {
                double correction = residual[c] / count;
                mean[c] = shift[c] + correction;
                variance[c] = Math.max(0, squares[c] / count - correction * correction);
                invStd[c] = 1 / Math.sqrt(variance[c] + eps);
            }
            return new Statistics(shift, mean, variance, invStd);
        }
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
        long batch = x.size(0);
        INDArray rows = RowOps.rows(x);
        INDArray out = workspaceMgr.createUninitialized(ArrayType.ACTIVATIONS, dataType, x.shape(), 'c');
        double[] gamma = param(GAMMA).toDoubleVector();
        double[] beta = param(BETA).toDoubleVector();
        double[] scale = new double[gamma.length];
        double[] shift = new double[gamma.length];
        if (training) {
            double count = elementsPerChannel(x);
            if (count < 2) {
                throw new IllegalArgumentException("batch norm " + layerId() + " needs more than one value per channel"
                        + " in training, like torch; got input of shape " + java.util.Arrays.toString(x.shape()));
            }
            statistics = Statistics.of(rows, RowOps.rows(out), batch, count, config().getEps());
            // out holds x - statistics.shift: scale it, and shift by what the exact mean adds
            for (int c = 0; c < gamma.length; c++) {
                scale[c] = gamma[c] * statistics.invStd()[c];
                shift[c] = beta[c] - (statistics.mean()[c] - statistics.shift()[c]) * scale[c];
            }
        } else {
            double[] runningMean = param(MEAN).toDoubleVector();
            double[] runningVariance = param(VAR).toDoubleVector();
            for (int c = 0; c < gamma.length; c++) {
                scale[c] = gamma[c] / Math.sqrt(runningVariance[c] + config().getEps());
                shift[c] = beta[c] - runningMean[c] * scale[c];
            }
        }
        PerChannelAffine.forward(training ? out : x, scale, shift, config().isRelu(), out);
        output = training ? out : null;
        return out;
    }

    @Override
    public Pair<Gradient, INDArray> backpropGradient(INDArray epsilon, LayerWorkspaceMgr workspaceMgr) {
        assertInputSet(true);
        if (statistics == null || output == null) {
            throw new IllegalStateException("batch norm " + layerId() + ": backprop without a training forward pass");
        }
        INDArray x = RowOps.contiguous(input.castTo(dataType));
        long batch = x.size(0);
        double count = elementsPerChannel(x);
        INDArray dy;
        if (config().isRelu()) {
            dy = workspaceMgr.createUninitialized(ArrayType.BP_WORKING_MEM, dataType, x.shape(), 'c');
            Relu.backward(output, epsilon, dy);
        } else {
            dy = RowOps.contiguous(epsilon.castTo(dataType));
        }
        INDArray dyRows = RowOps.rows(dy);
        double[] dBeta = RowOps.channelSums(RowOps.sum(dyRows), batch);
        // dx starts as x - shift, whose products with dy give dγ without cancellation
        INDArray dx = workspaceMgr.createUninitialized(ArrayType.ACTIVATION_GRAD, dataType, x.shape(), 'c');
        INDArray dxRows = RowOps.rows(dx);
        RowOps.subtract(RowOps.rows(x), RowOps.tiledColumn(statistics.shift(), batch, dataType), dxRows);
        double[] shiftedDotDy = RowOps.channelSums(RowOps.dot(dxRows, dyRows), batch);

        // dx = a (dy + p (x - shift) + q), with a = γ invStd, p = -invStd² Σ(xc dy) / m, q = -Σdy / m - p (mean - shift)
        double[] gamma = param(GAMMA).toDoubleVector();
        int channels = gamma.length;
        double[] dGamma = new double[channels];
        double[] a = new double[channels];
        double[] p = new double[channels];
        double[] q = new double[channels];
        for (int k = 0; k < channels; k++) {
            double invStd = statistics.invStd()[k];
            double centredDotDy = shiftedDotDy[k] - (statistics.mean()[k] - statistics.shift()[k]) * dBeta[k];
            dGamma[k] = centredDotDy * invStd;
            a[k] = gamma[k] * invStd;
            p[k] = -invStd * invStd * centredDotDy / count;
            q[k] = -dBeta[k] / count - p[k] * (statistics.mean()[k] - statistics.shift()[k]);
        }
        PerChannelAffine.backward(dx, dy, a, p, q, dx);

        // the updater subtracts these (NoOp), giving running = decay * running + (1 - decay) * batch, as torch does
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
