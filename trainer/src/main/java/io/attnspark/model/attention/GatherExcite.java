package io.attnspark.model.attention;

import io.attnspark.model.layer.ChannelScaleVertex;
import io.attnspark.model.layer.NearestGateVertex;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import org.deeplearning4j.nn.conf.ComputationGraphConfiguration.GraphBuilder;
import org.deeplearning4j.nn.conf.layers.ActivationLayer;
import org.nd4j.linalg.activations.Activation;

/**
 * Gather-excite with a parameterised gather, GE-θ (Hu et al. 2018; seed 001 snippet 6.2, class GEParams): for
 * extent e, log2(e) depthwise 3×3 stride-2 convolutions (zero padding 1, no bias), each followed by BN, with ReLU
 * between them; for a global extent one depthwise convolution as large as the feature map (no padding, no bias) and
 * BN. Then nearest upsampling to the input size, sigmoid and {@code x · a}.
 * The seed builds its layers as {@code n_layers * [conv, bn, relu]}, which repeats one conv and one BN instance;
 * here, as in the paper and timm, every step has its own weights (the state_dict keys are the same either way).
 * <p>
 * Vertices: {@code prefix_gather<i>_conv} (DepthwiseConvolution2D) ← {@code gather.<3(i-1)>.weight},
 * {@code prefix_gather<i>_bn} (BatchNormalization) ← {@code gather.<3(i-1)+1>.weight/bias/running_mean/running_var},
 * {@code prefix_gather<i>_relu} (ActivationLayer) between steps, {@code prefix_gate} (ActivationLayer sigmoid),
 * {@code prefix_scale} ({@link NearestGateVertex}, or {@link ChannelScaleVertex} for the global extent).
 * The input's spatial size comes from the graph's input types, which must be set.
 *
 * @param extent 0 for a global extent (the default), else a power of two that is at most the map's height and width
 */
public record GatherExcite(int extent) implements AttentionModule {

    public static final String NAME = "ge";

    public GatherExcite {
        GatherExciteParts.checkExtent(NAME, extent);
    }

    /** Option {@code extent} (default 0: global, the paper's best). */
    public static GatherExcite fromOptions(Map<String, Object> options) {
        var parsed = AttentionOptions.parse(NAME, options, Set.of("extent"));
        return new GatherExcite(parsed.integer("extent", 0));
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Optional<String> attentionMapsRemark() {
        return Optional.of(GatherExciteParts.MAPS_REMARK);
    }

    /**
     * @throws IllegalArgumentException when the graph has no input types or the extent is larger than the input's
     *                                  feature map
     */
    @Override
    public String attach(GraphBuilder graph, String prefix, String input, int channels) {
        String gathered = GatherExciteParts.attachConvGather(graph, prefix, input, channels, NAME, extent);
        graph.addLayer(prefix + "_gate", new ActivationLayer.Builder().activation(Activation.SIGMOID).build(), gathered);
        return GatherExciteParts.attachScale(graph, prefix, input, prefix + "_gate", extent);
    }

    /** {@code _gate}: per channel for the global extent, else a map over positions (its mean over the channels). */
    @Override
    public List<AttentionMap> attentionMaps(String prefix) {
        return List.of(GatherExciteParts.gateMap(prefix, prefix + "_gate", extent));
    }

    @Override
    public List<TorchParam> torchParams(String prefix, int channels) {
        return GatherExciteParts.convGatherParams(prefix, extent);
    }
}
