package io.attnspark.model.attention;

import io.attnspark.model.layer.BatchNorm2d;
import java.util.ArrayList;
import java.util.List;

import io.attnspark.model.attention.TorchParam.Layout;
import io.attnspark.model.layer.ChannelScaleVertex;
import io.attnspark.model.layer.NearestGateVertex;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration.GraphBuilder;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.layers.ActivationLayer;
import org.deeplearning4j.nn.conf.layers.DepthwiseConvolution2D;
import org.nd4j.linalg.activations.Activation;

/** What the three gather-excite modules share: the extent rules, GE-θ's convolutional gather and the excite step. */
final class GatherExciteParts {

    private GatherExciteParts() { }

    /** @throws IllegalArgumentException unless {@code extent} is 0 (global) or a power of two from 2 */
    static void checkExtent(String module, int extent) {
        if (extent != 0 && (extent < 2 || Integer.bitCount(extent) != 1)) {
            throw new IllegalArgumentException(module + ": 'extent' must be 0 (global) or a power of two such as 2, 4 or 8"
                    + " (the paper's extents; GE-θ needs log2(extent) stride-2 convolutions), got " + extent);
        }
    }

    /**
     * The input's {height, width}, checked to be at least the extent in both directions.
     *
     * @throws IllegalArgumentException when the extent is larger than the feature map
     */
    static long[] fittingSize(GraphBuilder graph, String input, String module, int extent) {
        long[] size = FeatureMapSize.of(graph, input, module);
        if (size[0] < extent || size[1] < extent) {
            throw new IllegalArgumentException(module + ": extent " + extent + " does not fit the " + size[0] + "x" + size[1]
                    + " feature map of '" + input + "'; use an extent of at most " + Math.min(size[0], size[1])
                    + " or 0 (global)");
        }
        return size;
    }

    /**
     * GE-θ's gather: global, one depthwise conv with the map's size and BN; otherwise log2(extent) depthwise 3×3
     * stride-2 convs with zero padding 1, each with BN, and ReLU between them. Vertices {@code prefix_gather<i>_conv},
     * {@code _bn} and {@code _relu}, i from 1.
     *
     * @return the last vertex, an [N,C,h,w] map
     */
    static String attachConvGather(GraphBuilder graph, String prefix, String input, int channels, String module, int extent) {
        long[] size = fittingSize(graph, input, module, extent);
        if (extent == 0) {
            var conv = new DepthwiseConvolution2D.Builder((int) size[0], (int) size[1]).stride(1, 1).padding(0, 0);
            return attachConvBn(graph, prefix + "_gather1", input, channels, conv);
        }
        String last = input;
        int layers = Integer.numberOfTrailingZeros(extent);
        for (int i = 1; i <= layers; i++) {
            if (i > 1) {
                graph.addLayer(prefix + "_gather" + (i - 1) + "_relu",
                        new ActivationLayer.Builder().activation(Activation.RELU).build(), last);
                last = prefix + "_gather" + (i - 1) + "_relu";
            }
            var conv = new DepthwiseConvolution2D.Builder(3, 3).stride(2, 2).padding(1, 1);
            last = attachConvBn(graph, prefix + "_gather" + i, last, channels, conv);
        }
        return last;
    }

    private static String attachConvBn(GraphBuilder graph, String name, String input, int channels,
            DepthwiseConvolution2D.Builder conv) {
        graph.addLayer(name + "_conv", conv.nIn(channels).nOut(channels).depthMultiplier(1).hasBias(false)
                .convolutionMode(ConvolutionMode.Truncate).activation(Activation.IDENTITY).build(), input);
        graph.addLayer(name + "_bn", BatchNorm2d.torchDefaults(channels), name + "_conv");
        return name + "_bn";
    }

    /**
     * The torch keys of {@link #attachConvGather}: the seed's {@code gather} Sequential holds conv, BN, ReLU per step
     * without the last ReLU, so step i (from 0) has its conv at {@code gather.<3i>} and its BN at {@code gather.<3i+1>}.
     */
    static List<TorchParam> convGatherParams(String prefix, int extent) {
        var params = new ArrayList<TorchParam>();
        int layers = extent == 0 ? 1 : Integer.numberOfTrailingZeros(extent);
        for (int i = 0; i < layers; i++) {
            String vertex = prefix + "_gather" + (i + 1);
            String conv = "gather." + (3 * i) + ".";
            String bn = "gather." + (3 * i + 1) + ".";
            params.add(new TorchParam(conv + "weight", vertex + "_conv", "W", Layout.DEPTHWISE_FROM_CONV));
            params.addAll(TorchParam.batchNorm(bn, vertex + "_bn"));
        }
        return params;
    }

    /** Which extents give which maps, for {@link AttentionModule#attentionMapsRemark}. */
    static final String MAPS_REMARK = "per channel at extent 0, else spatial";

    /** The sigmoid gate {@code vertex}: one weight per channel for the global extent, else per channel and position. */
    static AttentionMap gateMap(String prefix, String vertex, int extent) {
        return extent == 0
                ? AttentionMap.gate(prefix, vertex, AttentionMap.Kind.CHANNEL)
                : new AttentionMap(prefix, vertex, AttentionMap.Kind.SPATIAL, AttentionMap.Reading.CHANNEL_MEAN);
    }

    /**
     * Excite: {@code x · sigmoid(interpolate(gathered, nearest))}, where {@code gate} already went through the sigmoid
     * (the two commute). A 1×1 gate (global extent) scales channels; otherwise {@link NearestGateVertex} resizes it.
     * Vertex {@code prefix_scale}.
     */
    static String attachScale(GraphBuilder graph, String prefix, String input, String gate, int extent) {
        graph.addVertex(prefix + "_scale", extent == 0 ? new ChannelScaleVertex() : new NearestGateVertex(), input, gate);
        return prefix + "_scale";
    }
}
