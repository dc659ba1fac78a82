package io.attnspark.model.attention;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import io.attnspark.model.attention.TorchParam.Layout;
import io.attnspark.model.layer.ChannelScaleVertex;
import io.attnspark.model.layer.Convolution2d;
import io.attnspark.model.layer.NearestGateVertex;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration.GraphBuilder;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.nd4j.linalg.activations.Activation;

/**
 * Gather-excite with a parameterised gather and excite, GE-θ+ (Hu et al. 2018; seed 001 snippet 6.3, class
 * GEParamsPlus): GE-θ's gather ({@link GatherExcite}), then an SE-style MLP of 1×1 convs C→C/r (bias, ReLU) and
 * C/r→C (bias), then nearest upsampling to the input size, sigmoid and {@code x · a}. The seed fixes r = 16.
 * <p>
 * Vertices: the gather of {@link GatherExcite} with the same torch keys, {@code prefix_fc1} (Convolution2d 1×1,
 * ReLU) ← {@code mlp.0.weight/bias}, {@code prefix_fc2} (Convolution2d 1×1, sigmoid) ← {@code mlp.2.weight/bias},
 * {@code prefix_scale} ({@link NearestGateVertex}, or {@link ChannelScaleVertex} for the global extent).
 *
 * @param extent    0 for a global extent (the default), else a power of two at most the map's height and width
 * @param reduction the ratio r of channels to MLP bottleneck channels (seed: 16)
 */
public record GatherExcitePlus(int extent, int reduction) implements AttentionModule {

    public static final String NAME = "ge_plus";
    public static final int DEFAULT_REDUCTION = 16;

    public GatherExcitePlus {
        GatherExciteParts.checkExtent(NAME, extent);
        if (reduction < 1) {
            throw new IllegalArgumentException(NAME + ": 'reduction' must be at least 1, got " + reduction);
        }
    }

    /** Options {@code extent} (default 0: global) and {@code reduction} (default 16). */
    public static GatherExcitePlus fromOptions(Map<String, Object> options) {
        var parsed = AttentionOptions.parse(NAME, options, Set.of("extent", "reduction"));
        return new GatherExcitePlus(parsed.integer("extent", 0), parsed.integer("reduction", DEFAULT_REDUCTION));
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Optional<String> attentionMapsRemark() {
        return Optional.of(GatherExciteParts.MAPS_REMARK);
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

    /**
     * @throws IllegalArgumentException when the channels leave no bottleneck, the graph has no input types or the
     *                                  extent is larger than the input's feature map
     */
    @Override
    public String attach(GraphBuilder graph, String prefix, String input, int channels) {
        int bottleneck = bottleneck(channels);
        String gathered = GatherExciteParts.attachConvGather(graph, prefix, input, channels, NAME, extent);
        graph.addLayer(prefix + "_fc1", new Convolution2d.Builder(1, 1).nIn(channels).nOut(bottleneck).hasBias(true)
                .convolutionMode(ConvolutionMode.Truncate).activation(Activation.RELU).build(), gathered);
        graph.addLayer(prefix + "_fc2", new Convolution2d.Builder(1, 1).nIn(bottleneck).nOut(channels).hasBias(true)
                .convolutionMode(ConvolutionMode.Truncate).activation(Activation.SIGMOID).build(), prefix + "_fc1");
        return GatherExciteParts.attachScale(graph, prefix, input, prefix + "_fc2", extent);
    }

    /** {@code _fc2}: per channel for the global extent, else a map over positions (its mean over the channels). */
    @Override
    public List<AttentionMap> attentionMaps(String prefix) {
        return List.of(GatherExciteParts.gateMap(prefix, prefix + "_fc2", extent));
    }

    @Override
    public List<TorchParam> torchParams(String prefix, int channels) {
        var params = new ArrayList<>(GatherExciteParts.convGatherParams(prefix, extent));
        params.add(new TorchParam("mlp.0.weight", prefix + "_fc1", "W", Layout.SAME));
        params.add(new TorchParam("mlp.0.bias", prefix + "_fc1", "b", Layout.SAME));
        params.add(new TorchParam("mlp.2.weight", prefix + "_fc2", "W", Layout.SAME));
        params.add(new TorchParam("mlp.2.bias", prefix + "_fc2", "b", Layout.SAME));
        return List.copyOf(params);
    }
}
