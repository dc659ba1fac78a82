package io.attnspark.model.attention;

import io.attnspark.model.layer.BatchNorm2d;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

import io.attnspark.model.attention.TorchParam.Layout;
import io.attnspark.model.layer.ChannelAvgMaxPoolVertex;
import io.attnspark.model.layer.ChannelScaleVertex;
import io.attnspark.model.layer.Convolution2d;
import io.attnspark.model.layer.GlobalAvgMaxPoolVertex;
import io.attnspark.model.layer.NearestGateVertex;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration.GraphBuilder;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.layers.ActivationLayer;
import org.deeplearning4j.nn.conf.layers.GlobalPoolingLayer;
import org.deeplearning4j.nn.conf.layers.PoolingType;
import org.nd4j.linalg.activations.Activation;

/**
 * Convolutional block attention module (Woo et al.; seed snippets 4.1–4.3, classes CBAMChannelAttention,
 * CBAMSpatialAttention, CBAM): channel attention {@code x' = x · sigmoid(MLP(avgpool(x)) + MLP(maxpool(x)))} with one
 * MLP (1×1 conv C→C/r with bias, ReLU, 1×1 conv C/r→C with bias) shared by both descriptors, then spatial attention
 * {@code x' · sigmoid(conv_k×k([mean_c(x'); max_c(x')]))}, the conv 2→1 with bias and zero padding k/2.
 * <p>
 * The shared MLP runs as two 1×1 convolutions over a [N,C,1,2] map that holds the average- and the max-pooled vector
 * side by side ({@link GlobalAvgMaxPoolVertex}), so both descriptors see the same weights; a SUM pool adds the two.
 * Vertices ({@code prefix_part}) and the PyTorch keys they take:
 * {@code _pool} ({@link GlobalAvgMaxPoolVertex}),
 * {@code _fc1} (Convolution2d 1×1, ReLU) ← {@code channel_attention.mlp.0.weight/bias},
 * {@code _fc2} (Convolution2d 1×1) ← {@code channel_attention.mlp.2.weight/bias},
 * {@code _sum} (GlobalPoolingLayer SUM), {@code _channel_gate} (ActivationLayer sigmoid),
 * {@code _channel_scale} ({@link ChannelScaleVertex}), {@code _spatial_pool} ({@link ChannelAvgMaxPoolVertex}),
 * {@code _spatial_conv} (Convolution2d k×k, sigmoid) ← {@code spatial_attention.conv.weight/bias},
 * {@code _spatial_scale} ({@link NearestGateVertex} with a one-channel gate of the input's size).
 * <p>
 * With {@code timm}, timm's {@code CbamModule} ({@code timm/layers/cbam.py}): the MLP has no biases and its bottleneck
 * is C/r rounded to the nearest whole number (at least 1), and the spatial conv has no bias but a BN before the
 * sigmoid: {@code _spatial_conv} (identity) ← {@code spatial.conv.conv.weight}, {@code _spatial_bn} ←
 * {@code spatial.conv.bn.weight/bias/running_mean/running_var}, {@code _spatial_gate} (ActivationLayer sigmoid); the
 * MLP takes {@code channel.fc1.weight} and {@code channel.fc2.weight}.
 *
 * @param reduction  the ratio r of channels to MLP bottleneck channels (seed and paper: 16)
 * @param kernelSize the odd kernel size k of the spatial convolution (seed and paper: 7)
 * @param timm       timm's variant instead of the seed's
 */
public record ConvolutionalBlockAttention(int reduction, int kernelSize, boolean timm) implements AttentionModule {

    public static final String NAME = "cbam";
    public static final int DEFAULT_REDUCTION = 16;
    public static final int DEFAULT_KERNEL_SIZE = 7;

    public ConvolutionalBlockAttention {
        if (reduction < 1) {
            throw new IllegalArgumentException(NAME + ": 'reduction' must be at least 1, got " + reduction);
        }
        if (kernelSize < 1 || kernelSize % 2 == 0) {
            throw new IllegalArgumentException(NAME + ": 'kernelSize' must be odd and positive (padding k/2 keeps the"
                    + " spatial size only for odd k), got " + kernelSize);
        }
    }

    /** The seed's variant. */
    public ConvolutionalBlockAttention(int reduction, int kernelSize) {
        this(reduction, kernelSize, false);
    }

    /** Options {@code reduction} (default 16), {@code kernelSize} (default 7) and {@code timm} (0, the default, or 1). */
    public static ConvolutionalBlockAttention fromOptions(Map<String, Object> options) {
        var parsed = AttentionOptions.parse(NAME, options, Set.of("reduction", "kernelSize", "timm"));
        int timm = parsed.integer("timm", 0);
        if (timm != 0 && timm != 1) {
            throw new IllegalArgumentException(NAME + ": option 'timm' must be 0 (the seed's CBAM) or 1 (timm's), got " + timm);
        }
        return new ConvolutionalBlockAttention(parsed.integer("reduction", DEFAULT_REDUCTION),
                parsed.integer("kernelSize", DEFAULT_KERNEL_SIZE), timm == 1);
    }

    @Override
    public String name() {
        return NAME;
    }

    /** @throws IllegalArgumentException when {@code channels} leaves no bottleneck channel */
    public int bottleneck(int channels) {
        // timm: make_divisible(channels / r, divisor=1, round_limit=0.) rounds half up, at least 1
        int bottleneck = timm ? Math.max(1, (int) ((double) channels / reduction + 0.5)) : channels / reduction;
        if (bottleneck < 1) {
            throw new IllegalArgumentException(NAME + ": " + channels + " channels with reduction " + reduction
                    + " leaves 0 bottleneck channels; lower 'reduction' to at most " + channels);
        }
        return bottleneck;
    }

    @Override
    public String attach(GraphBuilder graph, String prefix, String input, int channels) {
        int bottleneck = bottleneck(channels);
        graph.addVertex(prefix + "_pool", new GlobalAvgMaxPoolVertex(), input);
        graph.addLayer(prefix + "_fc1", new Convolution2d.Builder(1, 1).nIn(channels).nOut(bottleneck).hasBias(!timm)
                .convolutionMode(ConvolutionMode.Truncate).activation(Activation.RELU).build(), prefix + "_pool");
        graph.addLayer(prefix + "_fc2", new Convolution2d.Builder(1, 1).nIn(bottleneck).nOut(channels).hasBias(!timm)
                .convolutionMode(ConvolutionMode.Truncate).activation(Activation.IDENTITY).build(), prefix + "_fc1");
        graph.addLayer(prefix + "_sum", new GlobalPoolingLayer.Builder(PoolingType.SUM).build(), prefix + "_fc2");
        graph.addLayer(prefix + "_channel_gate", new ActivationLayer.Builder().activation(Activation.SIGMOID).build(),
                prefix + "_sum");
        graph.addVertex(prefix + "_channel_scale", new ChannelScaleVertex(), input, prefix + "_channel_gate");
        graph.addVertex(prefix + "_spatial_pool", new ChannelAvgMaxPoolVertex(), prefix + "_channel_scale");
        graph.addLayer(prefix + "_spatial_conv", new Convolution2d.Builder(kernelSize, kernelSize).nIn(2).nOut(1)
                .stride(1, 1).padding(kernelSize / 2, kernelSize / 2).convolutionMode(ConvolutionMode.Truncate)
                .hasBias(!timm).activation(timm ? Activation.IDENTITY : Activation.SIGMOID).build(), prefix + "_spatial_pool");
        String spatialGate = prefix + "_spatial_conv";
        if (timm) {
            graph.addLayer(prefix + "_spatial_bn", BatchNorm2d.torchDefaults(1), prefix + "_spatial_conv");
            graph.addLayer(prefix + "_spatial_gate", new ActivationLayer.Builder().activation(Activation.SIGMOID).build(),
                    prefix + "_spatial_bn");
            spatialGate = prefix + "_spatial_gate";
        }
        graph.addVertex(prefix + "_spatial_scale", new NearestGateVertex(), prefix + "_channel_scale", spatialGate);
        return prefix + "_spatial_scale";
    }

    /** {@code _channel_gate} per channel, and the spatial sigmoid ({@code _spatial_conv}, or timm's {@code _spatial_gate}). */
    @Override
    public List<AttentionMap> attentionMaps(String prefix) {
        return List.of(AttentionMap.gate(prefix, prefix + "_channel_gate", AttentionMap.Kind.CHANNEL),
                AttentionMap.gate(prefix, prefix + (timm ? "_spatial_gate" : "_spatial_conv"), AttentionMap.Kind.SPATIAL));
    }

    @Override
    public List<TorchParam> torchParams(String prefix, int channels) {
        if (timm) {
            var params = new ArrayList<>(List.of(
                    new TorchParam("channel.fc1.weight", prefix + "_fc1", "W", Layout.SAME),
                    new TorchParam("channel.fc2.weight", prefix + "_fc2", "W", Layout.SAME),
                    new TorchParam("spatial.conv.conv.weight", prefix + "_spatial_conv", "W", Layout.SAME)));
            params.addAll(TorchParam.batchNorm("spatial.conv.bn.", prefix + "_spatial_bn"));
            return List.copyOf(params);
        }
        return List.of(
                new TorchParam("channel_attention.mlp.0.weight", prefix + "_fc1", "W", Layout.SAME),
                new TorchParam("channel_attention.mlp.0.bias", prefix + "_fc1", "b", Layout.SAME),
                new TorchParam("channel_attention.mlp.2.weight", prefix + "_fc2", "W", Layout.SAME),
                new TorchParam("channel_attention.mlp.2.bias", prefix + "_fc2", "b", Layout.SAME),
                new TorchParam("spatial_attention.conv.weight", prefix + "_spatial_conv", "W", Layout.SAME),
                new TorchParam("spatial_attention.conv.bias", prefix + "_spatial_conv", "b", Layout.SAME));
    }
}
