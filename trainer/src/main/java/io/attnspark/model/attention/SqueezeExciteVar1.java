package io.attnspark.model.attention;

import io.attnspark.model.layer.ChannelScaleVertex;
import io.attnspark.model.layer.GlobalAvgPoolVertex;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.deeplearning4j.nn.conf.ComputationGraphConfiguration.GraphBuilder;
import org.deeplearning4j.nn.conf.layers.ActivationLayer;
import org.nd4j.linalg.activations.Activation;

/**
 * SE-Var-1 (ECA paper; seed snippet 3.1, class SEVar1): {@code x · sigmoid(GAP(x))}, no parameters.
 * Vertices: {@code prefix_squeeze} (GlobalAvgPoolVertex), {@code prefix_excite} (ActivationLayer sigmoid),
 * {@code prefix_scale} ({@link ChannelScaleVertex}). No torch keys.
 */
public record SqueezeExciteVar1() implements AttentionModule {

    public static final String NAME = "se_var1";

    /** No options. */
    public static SqueezeExciteVar1 fromOptions(Map<String, Object> options) {
        AttentionOptions.parse(NAME, options, Set.of());
        return new SqueezeExciteVar1();
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String attach(GraphBuilder graph, String prefix, String input, int channels) {
        graph.addVertex(prefix + "_squeeze", new GlobalAvgPoolVertex(), input);
        graph.addLayer(prefix + "_excite", new ActivationLayer.Builder().activation(Activation.SIGMOID).build(), prefix + "_squeeze");
        graph.addVertex(prefix + "_scale", new ChannelScaleVertex(), input, prefix + "_excite");
        return prefix + "_scale";
    }

    /** {@code _excite}: the sigmoid gate per channel. */
    @Override
    public List<AttentionMap> attentionMaps(String prefix) {
        return List.of(AttentionMap.gate(prefix, prefix + "_excite", AttentionMap.Kind.CHANNEL));
    }

    @Override
    public List<TorchParam> torchParams(String prefix, int channels) {
        return List.of();
    }
}
