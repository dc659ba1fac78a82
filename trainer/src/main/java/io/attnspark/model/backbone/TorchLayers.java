package io.attnspark.model.backbone;

import io.attnspark.model.layer.AddReluVertex;
import io.attnspark.model.layer.BatchNorm2d;
import io.attnspark.model.layer.Convolution2d;
import io.attnspark.model.layer.GroupedConvolution;
import io.attnspark.model.layer.ReluVertex;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.distribution.NormalDistribution;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.PoolingType;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;
import org.deeplearning4j.nn.weights.WeightInit;
import org.nd4j.linalg.activations.Activation;

/** DL4J layers configured like their torch.nn counterparts in torchvision's ResNet, including the initialization. */
final class TorchLayers {

    private TorchLayers() { }

    /**
     * {@code nn.Conv2d(bias=False)} with {@code kaiming_normal_(mode="fan_out", nonlinearity="relu")}.
     * The distribution is explicit because DL4J's fan-out initializers divide fan-out by the stride product.
     * Truncate with torch's explicit padding gives torch's floor((in + 2p - k) / s) + 1 output size.
     */
    static ConvolutionLayer conv(int outChannels, int kernel, int stride, int padding) {
        return convBuilder(outChannels, kernel, stride, padding).build();
    }

    /** {@link #conv} as a network's first layer: the image needs no gradient (as in torch, where it requires none). */
    static ConvolutionLayer stemConv(int outChannels, int kernel, int stride, int padding) {
        return convBuilder(outChannels, kernel, stride, padding).withoutInputGradient().build();
    }

    private static Convolution2d.Builder convBuilder(int outChannels, int kernel, int stride, int padding) {
        double fanOut = (double) outChannels * kernel * kernel;
        return (Convolution2d.Builder) new Convolution2d.Builder(kernel, kernel)
                .stride(stride, stride)
                .padding(padding, padding)
                .convolutionMode(ConvolutionMode.Truncate)
                .nOut(outChannels)
                .hasBias(false)
                .activation(Activation.IDENTITY)
                .weightInit(new NormalDistribution(0.0, Math.sqrt(2.0 / fanOut)));
    }

    /**
     * {@code nn.Conv2d(groups=groups, bias=False)} with the same initialization as {@link #conv}: torch's fan-out of
     * a grouped weight [out, in / groups, k, k] is still {@code out * k * k}.
     */
    static GroupedConvolution groupedConv(int outChannels, int kernel, int stride, int padding, int groups) {
        double fanOut = (double) outChannels * kernel * kernel;
        return new GroupedConvolution.Builder()
                .kernel(kernel)
                .stride(stride)
                .padding(padding)
                .groups(groups)
                .nOut(outChannels)
                .activation(Activation.IDENTITY)
                .weightInit(new NormalDistribution(0.0, Math.sqrt(2.0 / fanOut)))
                .build();
    }

    /**
     * {@code nn.BatchNorm2d}: eps 1e-5, torch momentum 0.1 (decay = 1 - momentum of the old statistics), gamma
     * initialized to 1 and beta to 0.
     */
    static BatchNorm2d batchNorm() {
        return BatchNorm2d.torchDefaults(false);
    }

    /** {@code nn.BatchNorm2d} followed by {@code nn.ReLU}, fused into one layer (named after the batch norm). */
    static BatchNorm2d batchNormRelu() {
        return BatchNorm2d.torchDefaults(true);
    }

    /** The ReLU after a residual addition with attention in between, where there is no batch norm to fuse it into. */
    static ReluVertex relu() {
        return new ReluVertex();
    }

    /** A residual addition and the ReLU after it, fused. */
    static AddReluVertex addRelu() {
        return new AddReluVertex();
    }

    /** {@code nn.MaxPool2d(kernel_size=3, stride=2, padding=1)}, floor mode like torch's default ceil_mode=False. */
    static SubsamplingLayer maxPool3x3s2() {
        return new SubsamplingLayer.Builder(PoolingType.MAX)
                .kernelSize(3, 3)
                .stride(2, 2)
                .padding(1, 1)
                .convolutionMode(ConvolutionMode.Truncate)
                .build();
    }

    /**
     * {@code nn.Linear}. Torch draws the weight from U(-1/sqrt(fanIn), 1/sqrt(fanIn)), which is exactly DL4J's
     * {@link WeightInit#UNIFORM}; torch draws the bias from the same range, but DL4J only offers a constant bias
     * init, so the closest equivalent is its mean, 0.
     */
    static DenseLayer linear(int outFeatures) {
        return new DenseLayer.Builder()
                .nOut(outFeatures)
                .hasBias(true)
                .activation(Activation.IDENTITY)
                .weightInit(WeightInit.UNIFORM)
                .biasInit(0.0)
                .build();
    }
}
