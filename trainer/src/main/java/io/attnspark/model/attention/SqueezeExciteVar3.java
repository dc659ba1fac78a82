package io.attnspark.model.attention;

import java.util.List;
import java.util.Map;
import java.util.Set;

import io.attnspark.model.attention.TorchParam.Layout;
import io.attnspark.model.layer.ChannelScaleVertex;
import io.attnspark.model.layer.GlobalAvgPoolVertex;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration.GraphBuilder;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.nd4j.linalg.activations.Activation;

/**
 * SE-Var-3 (ECA paper; seed snippet 3.1, class SEVar3; also eSE): {@code x · sigmoid(W GAP(x) + b)} with a full C×C
 * 1×1 conv, i.e. a dense layer.
 * Vertices: {@code prefix_squeeze} (GlobalAvgPoolVertex), {@code prefix_excite} (DenseLayer, sigmoid) ←
 * {@code excitation.0.weight} / {@code excitation.0.bias}, {@code prefix_scale} ({@link ChannelScaleVertex}).
 */
public record SqueezeExciteVar3() implements AttentionModule {

    public static final String NAME = "se_var3";

    /** No options. */
    public static SqueezeExciteVar3 fromOptions(Map<String, Object> options) {
        AttentionOptions.parse(NAME, options, Set.of());
        return new SqueezeExciteVar3();
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String attach(GraphBuilder graph, String prefix, String input, int channels) {
        graph.addVertex(prefix + "_squeeze", new GlobalAvgPoolVertex(), input);
        graph.addLayer(prefix + "_excite", new DenseLayer.Builder().nIn(channels).nOut(channels)
                .activation(Activation.SIGMOID).hasBias(true).build(), prefix + "_squeeze");
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
        return List.of(
                new TorchParam("excitation.0.weight", prefix + "_excite", "W", Layout.DENSE_FROM_LINEAR),
                new TorchParam("excitation.0.bias", prefix + "_excite", "b", Layout.SAME));
    }
}
