package io.attnspark.model.layer;

import java.util.Collection;
import java.util.Map;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.LayerValidation;
import org.deeplearning4j.optimize.api.TrainingListener;
import org.deeplearning4j.util.ConvolutionUtils;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * DL4J's {@link ConvolutionLayer} with a backward pass that, like torch's {@code nn.Conv2d}, needs only the input and
 * the weights ({@link Convolution2dLayer}). Same configuration, parameters and arithmetic; only what it keeps for
 * backward differs. Checkpoints of DL4J's own layer still load.
 *
 * <p>A network's first conv can do without the gradient of its input, the image ({@link Builder#withoutInputGradient}),
 * as torch skips it for an input that does not require grad: at ResNet-50's 7x7 stem, batch 16, that backward
 * convolution alone took 95 ms of a 3.3 s training step. Its input gradient is then zero.
 */
public class Convolution2d extends ConvolutionLayer {

    private boolean inputGradient = true;

    /** For Jackson. */
    protected Convolution2d() {
    }

    protected Convolution2d(Builder builder) {
        super(builder);
        inputGradient = builder.inputGradient;
    }

    /** Whether backward computes the gradient of the layer's input (else it is zero). */
    public boolean isInputGradient() {
        return inputGradient;
    }

    public void setInputGradient(boolean inputGradient) {
        this.inputGradient = inputGradient;
    }

    @Override
    public boolean equals(Object other) {
        return super.equals(other) && other instanceof Convolution2d conv && inputGradient == conv.inputGradient;
    }

    @Override
    public int hashCode() {
        return 31 * super.hashCode() + Boolean.hashCode(inputGradient);
    }

    @Override
    public Layer instantiate(NeuralNetConfiguration conf, Collection<TrainingListener> trainingListeners,
            int layerIndex, INDArray layerParamsView, boolean initializeParams, DataType networkDataType) {
        LayerValidation.assertNInNOutSet("Convolution2d", getLayerName(), layerIndex, getNIn(), getNOut());
        Convolution2dLayer layer = new Convolution2dLayer(conf, networkDataType);
        layer.setListeners(trainingListeners);
        layer.setIndex(layerIndex);
        layer.setParamsViewArray(layerParamsView);
        Map<String, INDArray> paramTable = initializer().init(conf, layerParamsView, initializeParams);
        layer.setParamTable(paramTable);
        layer.setConf(conf);
        return layer;
    }

    /** {@link ConvolutionLayer.Builder} that builds a {@link Convolution2d}. */
    public static class Builder extends ConvolutionLayer.Builder {

        private boolean inputGradient = true;

        public Builder(int... kernelSize) {
            super(kernelSize);
        }

        /** For a network's first layer: backward skips the gradient of the input and reports zeros. */
        public Builder withoutInputGradient() {
            inputGradient = false;
            return this;
        }

        @Override
        public Convolution2d build() {
            // ConvolutionLayer.Builder's own checks
            ConvolutionUtils.validateConvolutionModePadding(convolutionMode, padding);
            ConvolutionUtils.validateCnnKernelStridePadding(kernelSize, stride, padding);
            return new Convolution2d(this);
        }
    }
}
