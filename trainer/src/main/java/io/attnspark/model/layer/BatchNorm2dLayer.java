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
import org.nd4j.linalg.api.ops.impl.scalar.Step;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * The runtime layer of {@link BatchNorm2d}. The input is viewed as rows [N*C, H*W], so every reduction runs along
 * contiguous rows and every per-channel scale or shift is ND4J's fast per-row scalar op (a channel's value tiled over
 * the batch); strided [C]-broadcasts and strided reductions over (0, 2, 3) are several times slower in ND4J M2.1.
 * Forward in training: row sums for the mean, the centred input written straight into the output, row sums of squares
 * for the variance (two passes, so no cancellation), then scale, shift and the optional ReLU in place. Backward uses
 * dx = A·dy + B·x + C per channel, with the sums of dy and x·dy as the only reductions.
 */
public class BatchNorm2dLayer extends BatchNormalization {

    private static final String GAMMA = BatchNormalizationParamInitializer.GAMMA;
    private static final String BETA = BatchNormalizationParamInitializer.BETA;
    private static final String MEAN = BatchNormalizationParamInitializer.GLOBAL_MEAN;
    private static final String VAR = BatchNormalizationParamInitializer.GLOBAL_VAR;

    /** The training forward pass's batch statistics and output, for backward; per-channel arrays live off-workspace. */
    private INDArray batchMean;
    private INDArray batchVariance;
    private INDArray batchInvStd;
    private INDArray output;

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
        INDArray outRows = RowOps.rows(out);
        INDArray gamma = param(GAMMA);
        if (training) {
            double count = elementsPerChannel(x);
            if (count < 2) {
                throw new IllegalArgumentException("batch norm " + layerId() + " needs more than one value per channel"
                        + " in training, like torch; got input of shape " + java.util.Arrays.toString(x.shape()));
            }
            INDArray mean = RowOps.sumOverBatch(rows.sum(1), batch).divi(count);
            RowOps.subtract(rows, RowOps.tiledColumn(mean, batch), outRows);
            // a dot product, because ND4J's SquaredNorm along a dimension of size 1 (1x1 maps) returns x, not x²
            INDArray sumOfSquares = RowOps.dot(outRows, outRows);
            INDArray variance = RowOps.sumOverBatch(sumOfSquares, batch).divi(count);
            INDArray invStd = Transforms.pow(variance.add(config().getEps()), -0.5, false);
            RowOps.multiply(outRows, RowOps.tiledColumn(gamma.mul(invStd), batch), outRows);
            RowOps.add(outRows, RowOps.tiledColumn(param(BETA), batch), outRows);
            batchMean = mean.detach();
            batchVariance = variance.detach();
            batchInvStd = invStd.detach();
        } else {
            INDArray scale = Transforms.pow(param(VAR).add(config().getEps()), -0.5, false).muli(gamma);
            INDArray shift = param(BETA).sub(param(MEAN).mul(scale));
            RowOps.multiply(rows, RowOps.tiledColumn(scale, batch), outRows);
            RowOps.add(outRows, RowOps.tiledColumn(shift, batch), outRows);
        }
        if (config().isRelu()) {
            Transforms.relu(out, false);
        }
        output = training ? out : null;
        return out;
    }

    @Override
    public Pair<Gradient, INDArray> backpropGradient(INDArray epsilon, LayerWorkspaceMgr workspaceMgr) {
        assertInputSet(true);
        if (batchMean == null || output == null) {
            throw new IllegalStateException("batch norm " + layerId() + ": backprop without a training forward pass");
        }
        INDArray x = RowOps.contiguous(input.castTo(dataType));
        long batch = x.size(0);
        double count = elementsPerChannel(x);
        INDArray dy;
        if (config().isRelu()) {
            dy = workspaceMgr.createUninitialized(ArrayType.BP_WORKING_MEM, dataType, x.shape(), 'c');
            Nd4j.getExecutioner().exec(new Step(output, dy));
            dy.muli(epsilon);
        } else {
            dy = RowOps.contiguous(epsilon.castTo(dataType));
        }
        INDArray rows = RowOps.rows(x);
        INDArray dyRows = RowOps.rows(dy);
        INDArray dBeta = RowOps.sumOverBatch(dyRows.sum(1), batch);
        INDArray xDotDy = RowOps.sumOverBatch(RowOps.dot(rows, dyRows), batch);
        INDArray dGamma = xDotDy.subi(batchMean.mul(dBeta)).muli(batchInvStd);

        // dx = A (dy - dBeta / m - xhat dGamma / m) with xhat = (x - mean) invStd, A = gamma invStd
        INDArray a = param(GAMMA).mul(batchInvStd);
        INDArray b = a.mul(batchInvStd).muli(dGamma).divi(-count);
        INDArray c = batchInvStd.mul(batchMean).muli(dGamma).subi(dBeta).muli(a).divi(count);
        INDArray dx = workspaceMgr.createUninitialized(ArrayType.ACTIVATION_GRAD, dataType, x.shape(), 'c');
        INDArray dxRows = RowOps.rows(dx);
        RowOps.multiply(rows, RowOps.tiledColumn(b, batch), dxRows);
        RowOps.add(dxRows, RowOps.tiledColumn(c, batch), dxRows);
        INDArray scaledDy = config().isRelu() ? dy
                : workspaceMgr.createUninitialized(ArrayType.BP_WORKING_MEM, dataType, x.shape(), 'c');
        RowOps.multiply(dyRows, RowOps.tiledColumn(a, batch), RowOps.rows(scaledDy));
        dx.addi(scaledDy);

        double momentum = 1.0 - config().getDecay();
        INDArray unbiasedVariance = batchVariance.mul(count / (count - 1));
        Gradient gradient = new DefaultGradient();
        gradient.setGradientFor(GAMMA, gradientViews.get(GAMMA).assign(dGamma.reshape(gradientViews.get(GAMMA).shape())));
        gradient.setGradientFor(BETA, gradientViews.get(BETA).assign(dBeta.reshape(gradientViews.get(BETA).shape())));
        // the updater subtracts these (NoOp), giving running = decay * running + (1 - decay) * batch, as torch does
        gradient.setGradientFor(MEAN, gradientViews.get(MEAN).assign(
                param(MEAN).sub(batchMean).muli(momentum).reshape(gradientViews.get(MEAN).shape())));
        gradient.setGradientFor(VAR, gradientViews.get(VAR).assign(
                param(VAR).sub(unbiasedVariance).muli(momentum).reshape(gradientViews.get(VAR).shape())));
        return new Pair<>(gradient, dx);
    }

    @Override
    public void clear() {
        super.clear();
        batchMean = null;
        batchVariance = null;
        batchInvStd = null;
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
