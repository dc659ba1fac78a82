package io.attnspark.model.attention;

import io.attnspark.model.layer.BatchNorm2d;
import io.attnspark.model.layer.Convolution2d;
import io.attnspark.model.layer.DilatedConvolution;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

import io.attnspark.model.attention.TorchParam.Layout;
import io.attnspark.model.layer.ChannelSpatialProductVertex;
import io.attnspark.model.layer.ResidualGateVertex;
import io.attnspark.model.layer.GlobalAvgPoolVertex;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration.GraphBuilder;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.nd4j.linalg.activations.Activation;

/**
 * Bottleneck attention module (Park et al.; seed 001 snippets 5.1–5.3, classes BAMChannelAttention,
 * BAMSpatialAttention, BAM): {@code out = x · (1 + sigmoid(a_c · A_s))}, the product as in the seed's code and its
 * equation 5.2 (the paper's figure adds the two instead).
 * Channel branch a_c [N,C]: global average pool, 1×1 conv C→C/r (bias), BN, ReLU, 1×1 conv C/r→C (bias), no sigmoid.
 * Spatial branch A_s [N,1,H,W]: 1×1 conv C→C/r, two 3×3 convs with dilation d and zero padding d, each of those
 * three with bias, BN and ReLU, then a 1×1 conv C/r→1 with bias.
 * <p>
 * Vertices ({@code prefix_part}) ← PyTorch keys (BN: weight/bias/running_mean/running_var → gamma/beta/mean/var):
 * {@code _channel_squeeze} (GlobalAvgPoolVertex); {@code _channel_fc1} (DenseLayer) ←
 * {@code channel_attention.mlp.0}; {@code _channel_bn} ← {@code channel_attention.mlp.1};
 * {@code _channel_fc2} (DenseLayer) ← {@code channel_attention.mlp.3};
 * {@code _spatial_reduce1} (Convolution2d 1×1) ← {@code spatial_attention.reduce_1.0}, {@code _spatial_reduce1_bn}
 * ← {@code reduce_1.1}; {@code _spatial_dilated1} ← {@code spatial_attention.layers.0},
 * {@code _spatial_dilated1_bn} ← {@code layers.1}; {@code _spatial_dilated2} ←
 * {@code layers.3}, {@code _spatial_dilated2_bn} ← {@code layers.4};
 * each {@code _bn} ({@link BatchNorm2d}) with its ReLU fused in (DL4J's ActivationLayer copies the map in both passes);
 * {@code _spatial_reduce2} (Convolution2d 1×1) ← {@code spatial_attention.reduce_2};
 * {@code _product} ({@link ChannelSpatialProductVertex}), {@code _out} ({@link ResidualGateVertex}: x + x ·
 * sigmoid(product)).
 *
 * @param reduction the ratio r of channels to bottleneck channels in both branches (seed and paper: 16)
 * @param dilation  the dilation d of the spatial branch's 3×3 convs (seed and paper: 4)
 */
public record BottleneckAttention(int reduction, int dilation) implements AttentionModule {

    public static final String NAME = "bam";
    public static final int DEFAULT_REDUCTION = 16;
    public static final int DEFAULT_DILATION = 4;

    public BottleneckAttention {
        if (reduction < 1) {
            throw new IllegalArgumentException(NAME + ": 'reduction' must be at least 1, got " + reduction);
        }
        if (dilation < 1) {
            throw new IllegalArgumentException(NAME + ": 'dilation' must be at least 1, got " + dilation);
        }
    }

    /** Options {@code reduction} (default 16) and {@code dilation} (default 4). */
    public static BottleneckAttention fromOptions(Map<String, Object> options) {
        var parsed = AttentionOptions.parse(NAME, options, Set.of("reduction", "dilation"));
        return new BottleneckAttention(parsed.integer("reduction", DEFAULT_REDUCTION), parsed.integer("dilation", DEFAULT_DILATION));
    }

    @Override
    public String name() {
        return NAME;
    }

    /** After every stage but the last, as BAM's reference code places it. */
    @Override
    public PlacementRole placementRole() {
        return PlacementRole.STAGE_ENDS;
    }

    /** @throws IllegalArgumentException when {@code channels} leaves no bottleneck channel */
    public int bottleneck(int channels) {
        int bottleneck = channels / reduction;
        if (bottleneck < 1) {
            throw new IllegalArgumentException(NAME + ": " + channels + " channels with reduction " + reduction
                    + " leaves 0 bottleneck channels; lower 'reduction' to at most " + channels);
        }
        return bottleneck;
    }

    @Override
    public String attach(GraphBuilder graph, String prefix, String input, int channels) {
        int bottleneck = bottleneck(channels);
        String channel = prefix + "_channel";
        graph.addVertex(channel + "_squeeze", new GlobalAvgPoolVertex(), input);
        graph.addLayer(channel + "_fc1", new DenseLayer.Builder().nIn(channels).nOut(bottleneck).hasBias(true)
                .activation(Activation.IDENTITY).build(), channel + "_squeeze");
        String channelHidden = batchNormRelu(graph, channel, channel + "_fc1", bottleneck);
        graph.addLayer(channel + "_fc2", new DenseLayer.Builder().nIn(bottleneck).nOut(channels).hasBias(true)
                .activation(Activation.IDENTITY).build(), channelHidden);

        String spatial = prefix + "_spatial";
        graph.addLayer(spatial + "_reduce1", conv(1, channels, bottleneck).stride(1, 1)
                .convolutionMode(ConvolutionMode.Truncate).build(), input);
        String reduced = batchNormRelu(graph, spatial + "_reduce1", spatial + "_reduce1", bottleneck);
        long[] mapSize = FeatureMapSize.of(graph, input, NAME);
        String dilated = dilatedConvBatchNormRelu(graph, spatial + "_dilated1", reduced, bottleneck, mapSize);
        dilated = dilatedConvBatchNormRelu(graph, spatial + "_dilated2", dilated, bottleneck, mapSize);
        graph.addLayer(spatial + "_reduce2", conv(1, bottleneck, 1).convolutionMode(ConvolutionMode.Truncate).build(),
                dilated);

        graph.addVertex(prefix + "_product", new ChannelSpatialProductVertex(), channel + "_fc2", spatial + "_reduce2");
        // x · (1 + g) = x + x · g
        graph.addVertex(prefix + "_out", new ResidualGateVertex(), input, prefix + "_product");
        return prefix + "_out";
    }

    /** {@code name_bn}, with its ReLU, on top of {@code input}; returns it */
    private static String batchNormRelu(GraphBuilder graph, String name, String input, int channels) {
        graph.addLayer(name + "_bn", BatchNorm2d.torchDefaults(channels, true), input);
        return name + "_bn";
    }

    /** a 3×3 conv C/r→C/r with bias, dilation d and padding d (size-preserving), then BN and ReLU */
    private String dilatedConvBatchNormRelu(GraphBuilder graph, String name, String input, int channels, long[] mapSize) {
        String conv = DilatedConvolution.add(graph, name, input, conv(3, channels, channels), 3, dilation, 1, mapSize);
        return batchNormRelu(graph, name, conv, channels);
    }

    /** a k×k conv with bias and no activation */
    private static ConvolutionLayer.Builder conv(int k, int in, int out) {
        return new Convolution2d.Builder(k, k).nIn(in).nOut(out).hasBias(true).activation(Activation.IDENTITY);
    }

    /**
     * The combined gate sigmoid(a_c · A_s) [N,C,H,W] from its logits {@code _product}, averaged over the channels. The
     * branches alone are logits, not weights: a_c has no sigmoid of its own.
     */
    @Override
    public List<AttentionMap> attentionMaps(String prefix) {
        return List.of(new AttentionMap(prefix, prefix + "_product", AttentionMap.Kind.SPATIAL,
                AttentionMap.Reading.SIGMOID_CHANNEL_MEAN));
    }

    @Override
    public List<TorchParam> torchParams(String prefix, int channels) {
        var params = new ArrayList<TorchParam>();
        params.add(new TorchParam("channel_attention.mlp.0.weight", prefix + "_channel_fc1", "W", Layout.DENSE_FROM_LINEAR));
        params.add(new TorchParam("channel_attention.mlp.0.bias", prefix + "_channel_fc1", "b", Layout.SAME));
        params.addAll(TorchParam.batchNorm("channel_attention.mlp.1.", prefix + "_channel_bn"));
        params.add(new TorchParam("channel_attention.mlp.3.weight", prefix + "_channel_fc2", "W", Layout.DENSE_FROM_LINEAR));
        params.add(new TorchParam("channel_attention.mlp.3.bias", prefix + "_channel_fc2", "b", Layout.SAME));
        params.addAll(convBatchNorm("spatial_attention.reduce_1.0.", "spatial_attention.reduce_1.1.", prefix + "_spatial_reduce1"));
        params.addAll(convBatchNorm("spatial_attention.layers.0.", "spatial_attention.layers.1.", prefix + "_spatial_dilated1"));
        params.addAll(convBatchNorm("spatial_attention.layers.3.", "spatial_attention.layers.4.", prefix + "_spatial_dilated2"));
        params.add(new TorchParam("spatial_attention.reduce_2.weight", prefix + "_spatial_reduce2", "W", Layout.SAME));
        params.add(new TorchParam("spatial_attention.reduce_2.bias", prefix + "_spatial_reduce2", "b", Layout.SAME));
        return List.copyOf(params);
    }

    private static List<TorchParam> convBatchNorm(String conv, String bn, String vertex) {
        var params = new ArrayList<TorchParam>();
        params.add(new TorchParam(conv + "weight", vertex, "W", Layout.SAME));
        params.add(new TorchParam(conv + "bias", vertex, "b", Layout.SAME));
        params.addAll(TorchParam.batchNorm(bn, vertex + "_bn"));
        return params;
    }
}
