package io.attnspark.model.layer;

import java.util.Collections;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer.AlgoMode;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer.BwdDataAlgo;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer.BwdFilterAlgo;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer.FwdAlgo;
import org.deeplearning4j.nn.gradient.DefaultGradient;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.layers.convolution.ConvolutionHelper;
import org.deeplearning4j.nn.params.ConvolutionParamInitializer;
import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The conv layers' helper on CPU: oneDNN 2.5 through JavaCPP's preset, in place of DL4J's {@code MKLDNNConvHelper},
 * which goes through libnd4j's bundled oneDNN 2.3. On AVX-512 that version runs 1x1 convolutions as NHWC
 * {@code brgconv_1x1} and transposes every activation in and out; 2.5 picks the blocked {@code jit_1x1} kernels that
 * PyTorch's oneDNN 2.6 uses (ResNet-50's 64 -> 256 1x1 conv at 56x56, batch 16: 45 ms forward against 12 ms).
 * Float NCHW only; anything else returns null, and DL4J computes it itself.
 */
public final class OneDnnConvolution implements ConvolutionHelper {

    private static final Map<ConvolutionGeometry, OneDnnConvolutionPlan> PLANS = new ConcurrentHashMap<>();

    private final boolean bias;
    private final boolean inputGradient;

    /**
     * @param bias whether the layer has a bias (DL4J hands a helper a zero stand-in when it has none)
     * @param inputGradient whether backward computes the input's gradient; if not, it returns an unwritten array
     */
    public OneDnnConvolution(boolean bias, boolean inputGradient) {
        this.bias = bias;
        this.inputGradient = inputGradient;
    }

    @Override
    public boolean checkSupported() {
        return true;
    }

    @Override
    public INDArray preOutput(INDArray input, INDArray weights, INDArray bias, int[] kernel, int[] strides, int[] pad,
                              AlgoMode algoMode, FwdAlgo fwdAlgo, ConvolutionMode mode, int[] dilation,
                              CNN2DFormat format, LayerWorkspaceMgr workspaces) {
        if (!supported(format, input, weights)) {
            return null;
        }
        var geometry = ConvolutionGeometry.of(input, weights.size(0), kernel, strides, pad, dilation, mode, this.bias, 1);
        INDArray output = workspaces.createUninitialized(ArrayType.ACTIVATIONS, DataType.FLOAT, geometry.output());
        plan(geometry).forward(input, weights, bias, output, workspaces);
        return output;
    }

    @Override
    public Pair<Gradient, INDArray> backpropGradient(INDArray input, INDArray weights, INDArray bias, INDArray delta,
                                                     int[] kernel, int[] strides, int[] pad, INDArray biasGradView,
                                                     INDArray weightGradView, IActivation activation,
                                                     AlgoMode algoMode, BwdFilterAlgo bwdFilterAlgo,
                                                     BwdDataAlgo bwdDataAlgo, ConvolutionMode mode, int[] dilation,
                                                     CNN2DFormat format, LayerWorkspaceMgr workspaces) {
        if (!supported(format, input, weights, delta)) {
            return null;
        }
        var geometry = ConvolutionGeometry.of(input, weights.size(0), kernel, strides, pad, dilation, mode, this.bias, 1);
        INDArray inputGradient = workspaces.createUninitialized(ArrayType.ACTIVATION_GRAD, DataType.FLOAT, input.shape());
        plan(geometry).backward(input, weights, delta, this.inputGradient ? inputGradient : null, weightGradView,
                this.bias ? biasGradView : null, workspaces);

        Gradient gradient = new DefaultGradient();
        if (this.bias) {
            gradient.gradientForVariable().put(ConvolutionParamInitializer.BIAS_KEY, biasGradView);
        }
        gradient.gradientForVariable().put(ConvolutionParamInitializer.WEIGHT_KEY, weightGradView);
        return new Pair<>(gradient, inputGradient);
    }

    @Override
    public INDArray activate(INDArray z, IActivation activation, boolean training) {
        return activation.getActivation(z, training);
    }

    @Override
    public Map<String, Long> helperMemoryUse() {
        return Collections.emptyMap();
    }

    private static boolean supported(CNN2DFormat format, INDArray... arrays) {
        return format == CNN2DFormat.NCHW && OneDnn.runs(arrays);
    }

    static OneDnnConvolutionPlan plan(ConvolutionGeometry geometry) {
        return PLANS.computeIfAbsent(geometry, OneDnnConvolutionPlan::new);
    }
}
