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
 * Squeeze-and-excitation (Hu et al.; seed snippet 2.1): global average pool, 1×1 conv C→C/r with bias, ReLU,
 * 1×1 conv C/r→C with bias, sigmoid, then {@code x · a} per channel. On a 1×1 input the 1×1 convs are dense layers.
 * <p>
 * Vertices ({@code prefix_part}) and the PyTorch keys they take:
 * {@code _squeeze} (GlobalAvgPoolVertex), {@code _reduce} (DenseLayer, ReLU) ← {@code excitation.0.weight/bias},
 * {@code _expand} (DenseLayer, sigmoid) ← {@code excitation.2.weight/bias}, {@code _scale} ({@link ChannelScaleVertex}).
 *
 * @param reduction the ratio r of channels to bottleneck channels (seed and paper: 16)
 * @param divisor   0 for the seed's bottleneck {@code C / r} rounded down; otherwise the bottleneck is rounded to the
 *                  nearest multiple of {@code divisor}, at least {@code divisor}, as timm's {@code make_divisible} does
 *                  (timm's SE uses 8)
 */
public record SqueezeExcite(int reduction, int divisor) implements AttentionModule {

    public static final String NAME = "se";
    public static final int DEFAULT_REDUCTION = 16;

    public SqueezeExcite {
        if (reduction < 1) {
            throw new IllegalArgumentException(NAME + ": 'reduction' must be at least 1, got " + reduction);
        }
        if (divisor < 0) {
            throw new IllegalArgumentException(NAME + ": 'divisor' must be 0 (no rounding) or positive, got " + divisor);
        }
    }

    /** Options {@code reduction} (default 16) and {@code divisor} (default 0: the seed's C / r). */
    public static SqueezeExcite fromOptions(Map<String, Object> options) {
        var parsed = AttentionOptions.parse(NAME, options, Set.of("reduction", "divisor"));
        return new SqueezeExcite(parsed.integer("reduction", DEFAULT_REDUCTION), parsed.integer("divisor", 0));
    }

    @Override
    public String name() {
        return NAME;
    }

    /** @throws IllegalArgumentException when {@code channels} leaves no bottleneck channel */
    public int bottleneck(int channels) {
        if (divisor > 0) {
            // timm make_divisible(channels / reduction, divisor, round_limit=0.)
            double exact = (double) channels / reduction;
            return Math.max(divisor, (int) (exact + divisor / 2.0) / divisor * divisor);
        }
        int bottleneck = channels / reduction;
        if (bottleneck < 1) {
            throw new IllegalArgumentException(NAME + ": " + channels + " channels with reduction " + reduction
                    + " leaves 0 bottleneck channels; lower 'reduction' to at most " + channels + " or set 'divisor'");
        }
        return bottleneck;
    }

    @Override
    public String attach(GraphBuilder graph, String prefix, String input, int channels) {
        int bottleneck = bottleneck(channels);
        graph.addVertex(prefix + "_squeeze", new GlobalAvgPoolVertex(), input);
        graph.addLayer(prefix + "_reduce", new DenseLayer.Builder().nIn(channels).nOut(bottleneck)
                .activation(Activation.RELU).hasBias(true).build(), prefix + "_squeeze");
        graph.addLayer(prefix + "_expand", new DenseLayer.Builder().nIn(bottleneck).nOut(channels)
                .activation(Activation.SIGMOID).hasBias(true).build(), prefix + "_reduce");
        graph.addVertex(prefix + "_scale", new ChannelScaleVertex(), input, prefix + "_expand");
        return prefix + "_scale";
    }

    /** {@code _expand}: the sigmoid gate per channel. */
    @Override
    public List<AttentionMap> attentionMaps(String prefix) {
        return List.of(AttentionMap.gate(prefix, prefix + "_expand", AttentionMap.Kind.CHANNEL));
    }

    @Override
    public List<TorchParam> torchParams(String prefix, int channels) {
        return List.of(
                new TorchParam("excitation.0.weight", prefix + "_reduce", "W", Layout.DENSE_FROM_LINEAR),
                new TorchParam("excitation.0.bias", prefix + "_reduce", "b", Layout.SAME),
                new TorchParam("excitation.2.weight", prefix + "_expand", "W", Layout.DENSE_FROM_LINEAR),
                new TorchParam("excitation.2.bias", prefix + "_expand", "b", Layout.SAME));
    }
}
