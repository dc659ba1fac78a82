package io.attnspark.model.layer;

import java.util.Collection;
import java.util.Objects;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.optimize.api.TrainingListener;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * {@code nn.BatchNorm2d(C, eps, momentum = 1 - decay)} on NCHW input, optionally followed by a fused
 * {@code nn.ReLU}. It keeps DL4J's {@link BatchNormalization} configuration and parameters (gamma, beta, mean, var),
 * so weight import, updaters and parameter counts treat it as a batch norm, but its runtime layer
 * ({@link BatchNorm2dLayer}) is hand-written: DL4J M2.1's batch norm computes the batch variance with a slow strided
 * reduction and its oneDNN backward re-derives the mean and variance terms in eight full-tensor passes, which made
 * batch norm a third of a ResNet training step on CPU. Like torch, the running variance is updated with the
 * unbiased batch variance.
 */
public class BatchNorm2d extends BatchNormalization {

    private boolean relu;

    /** For JSON deserialization. */
    public BatchNorm2d() {
        setUseLogStd(false);
    }

    /**
     * @param eps   added to the variance, torch's {@code eps}
     * @param decay the share of the old running statistics kept per step, torch's {@code 1 - momentum}
     * @param relu  whether a ReLU follows, fused into this layer
     */
    public BatchNorm2d(double eps, double decay, boolean relu) {
        this();
        if (!(eps > 0) || !(decay >= 0 && decay < 1)) {
            throw new IllegalArgumentException("batch norm needs eps > 0 and 0 <= decay < 1; got eps " + eps
                    + " and decay " + decay);
        }
        setEps(eps);
        setDecay(decay);
        this.relu = relu;
    }

    /** torch's defaults: eps 1e-5, momentum 0.1; the channel count comes from the input type. */
    public static BatchNorm2d torchDefaults(boolean relu) {
        return new BatchNorm2d(1e-5, 0.9, relu);
    }

    /** torch's defaults, without ReLU, for a known channel count. */
    public static BatchNorm2d torchDefaults(long channels) {
        return torchDefaults(channels, false);
    }

    /** torch's defaults for a known channel count, with or without a fused ReLU. */
    public static BatchNorm2d torchDefaults(long channels, boolean relu) {
        BatchNorm2d batchNorm = torchDefaults(relu);
        batchNorm.setNIn(channels);
        batchNorm.setNOut(channels);
        return batchNorm;
    }

    public boolean isRelu() {
        return relu;
    }

    public void setRelu(boolean relu) {
        this.relu = relu;
    }

    /**
     * Always a plain running variance: DL4J's JSON reader sets {@code useLogStd} from the parameter names of an
     * initialized network and defaults to the log form for a configuration that was never initialized.
     */
    @Override
    public void setUseLogStd(boolean useLogStd) {
        super.setUseLogStd(false);
    }

    @Override
    public Layer instantiate(NeuralNetConfiguration conf, Collection<TrainingListener> listeners, int layerIndex,
                             INDArray layerParamsView, boolean initializeParams, DataType networkDataType) {
        if (getNOut() <= 0) {
            throw new IllegalStateException("batch norm '" + getLayerName() + "' has no channel count: set nOut or the input type");
        }
        if (getCnn2DFormat() != CNN2DFormat.NCHW || isLockGammaBeta()) {
            throw new IllegalStateException("batch norm '" + getLayerName() + "' supports NCHW input with learned gamma"
                    + " and beta only; got " + getCnn2DFormat() + ", lockGammaBeta " + isLockGammaBeta());
        }
        return HandWrittenLayers.wire(new BatchNorm2dLayer(conf, networkDataType), initializer(), conf, listeners,
                layerIndex, layerParamsView, initializeParams);
    }

    @Override
    public BatchNorm2d clone() {
        return (BatchNorm2d) super.clone();
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof BatchNorm2d that && super.equals(other) && relu == that.relu;
    }

    @Override
    public int hashCode() {
        return Objects.hash(super.hashCode(), relu);
    }
}
