package io.attnspark.model.attention;

import io.attnspark.model.layer.ChannelScaleVertex;
import io.attnspark.model.layer.GlobalAvgPoolVertex;
import io.attnspark.model.layer.NearestGateVertex;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import org.deeplearning4j.nn.conf.ComputationGraphConfiguration.GraphBuilder;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.layers.ActivationLayer;
import org.deeplearning4j.nn.conf.layers.PoolingType;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;
import org.nd4j.linalg.activations.Activation;

/**
 * Parameter-free gather-excite, GE-θ− (Hu et al. 2018; seed 001 snippet 6.1, class GENoParams): gather by average
 * pooling with kernel 2e−1, stride e and zero padding e−1 that the average does not count
 * ({@code count_include_pad=False}), or global average pooling for e = 0; excite by nearest upsampling to the input
 * size, sigmoid, and {@code x · a}. With e = 0 this is SE-Var-1.
 * Vertices: {@code prefix_gather} (SubsamplingLayer AVG, or GlobalAvgPoolVertex for e = 0), {@code prefix_gate}
 * (ActivationLayer sigmoid), {@code prefix_scale} ({@link NearestGateVertex}, or {@link ChannelScaleVertex} for
 * e = 0). No torch keys.
 *
 * @param extent 0 for a global extent, else a power of two that is at most the feature map's height and width
 */
public record GatherExciteMinus(int extent) implements AttentionModule {

    public static final String NAME = "ge_minus";

    public GatherExciteMinus {
        GatherExciteParts.checkExtent(NAME, extent);
    }

    /** Option {@code extent} (default 0: global, the paper's best). */
    public static GatherExciteMinus fromOptions(Map<String, Object> options) {
        var parsed = AttentionOptions.parse(NAME, options, Set.of("extent"));
        return new GatherExciteMinus(parsed.integer("extent", 0));
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Optional<String> attentionMapsRemark() {
        return Optional.of(GatherExciteParts.MAPS_REMARK);
    }

    /** @throws IllegalArgumentException when the extent is larger than the input's feature map */
    @Override
    public String attach(GraphBuilder graph, String prefix, String input, int channels) {
        if (extent == 0) {
            graph.addVertex(prefix + "_gather", new GlobalAvgPoolVertex(), input);
        } else {
            GatherExciteParts.fittingSize(graph, input, NAME, extent);
            int kernel = 2 * extent - 1;
            graph.addLayer(prefix + "_gather", new SubsamplingLayer.Builder(PoolingType.AVG).kernelSize(kernel, kernel)
                    .stride(extent, extent).padding(kernel / 2, kernel / 2).avgPoolIncludePadInDivisor(false)
                    .convolutionMode(ConvolutionMode.Truncate).build(), input);
        }
        graph.addLayer(prefix + "_gate", new ActivationLayer.Builder().activation(Activation.SIGMOID).build(), prefix + "_gather");
        return GatherExciteParts.attachScale(graph, prefix, input, prefix + "_gate", extent);
    }

    /** {@code _gate}: per channel for the global extent, else a map over positions (its mean over the channels). */
    @Override
    public List<AttentionMap> attentionMaps(String prefix) {
        return List.of(GatherExciteParts.gateMap(prefix, prefix + "_gate", extent));
    }

    @Override
    public List<TorchParam> torchParams(String prefix, int channels) {
        return List.of();
    }
}
