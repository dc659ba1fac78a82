package io.attnspark.model.attention;

import java.util.List;
import java.util.Map;
import java.util.Set;

import io.attnspark.model.attention.TorchParam.Layout;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration.GraphBuilder;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.nd4j.linalg.activations.Activation;

/**
 * Multi-head self-attention over the H*W spatial positions as tokens (seed 004 snippet 11.2, class {@code MHSA};
 * BoTNet-style, for the last stage): one linear map C→3C with bias gives queries, keys and values (token layout
 * [3, heads, d] with d = C / heads), per head {@code softmax(Q Kᵀ / sqrt(d)) V}, the heads concatenated, and a linear
 * output projection C→C with bias. On tokens taken from NCHW activations the linear maps are 1×1 convolutions.
 * No position encoding (the seed has none), so the output is the same for any H×W.
 * <p>
 * Vertices ({@code prefix_part}) and the PyTorch keys they take:
 * {@code _qkv} (ConvolutionLayer 1×1 C→3C) ← {@code to_qkv.to_qkv.weight} [3C,C] / {@code .bias},
 * {@code _attend} ({@link DotProductAttentionVertex} on the packed Q, K, V: channels [0,C), [C,2C), [2C,3C); scale
 * 1/sqrt(d)),
 * {@code _out} (ConvolutionLayer 1×1 C→C) ← {@code to_output.weight} [C,C] / {@code .bias}.
 *
 * @param heads the number of heads, which must divide the channel count (seed: 8; BoTNet: 4)
 */
public record MultiHeadSelfAttention(int heads) implements AttentionModule {

    public static final String NAME = "mhsa";
    public static final int DEFAULT_HEADS = 8;

    public MultiHeadSelfAttention {
        if (heads < 1) {
            throw new IllegalArgumentException(NAME + ": 'heads' must be at least 1, got " + heads);
        }
    }

    /** Option {@code heads} (default 8). */
    public static MultiHeadSelfAttention fromOptions(Map<String, Object> options) {
        var parsed = AttentionOptions.parse(NAME, options, Set.of("heads"));
        return new MultiHeadSelfAttention(parsed.integer("heads", DEFAULT_HEADS));
    }

    @Override
    public String name() {
        return NAME;
    }

    /** @throws IllegalArgumentException when the heads do not split {@code channels} evenly */
    public int headChannels(int channels) {
        if (channels < heads || channels % heads != 0) {
            throw new IllegalArgumentException(NAME + ": " + channels + " channels do not split into " + heads
                    + " heads of equal size; set 'heads' to a divisor of " + channels);
        }
        return channels / heads;
    }

    @Override
    public String attach(GraphBuilder graph, String prefix, String input, int channels) {
        int headChannels = headChannels(channels);
        graph.addLayer(prefix + "_qkv", conv1x1(channels, 3 * channels), input);
        graph.addVertex(prefix + "_attend", new DotProductAttentionVertex(heads, 1.0 / Math.sqrt(headChannels)), prefix + "_qkv");
        graph.addLayer(prefix + "_out", conv1x1(channels, channels), prefix + "_attend");
        return prefix + "_out";
    }

    private static ConvolutionLayer conv1x1(int in, int out) {
        return new ConvolutionLayer.Builder(1, 1).nIn(in).nOut(out).hasBias(true).activation(Activation.IDENTITY).build();
    }

    @Override
    public List<TorchParam> torchParams(String prefix, int channels) {
        return List.of(
                new TorchParam("to_qkv.to_qkv.weight", prefix + "_qkv", "W", Layout.SAME),
                new TorchParam("to_qkv.to_qkv.bias", prefix + "_qkv", "b", Layout.SAME),
                new TorchParam("to_output.weight", prefix + "_out", "W", Layout.SAME),
                new TorchParam("to_output.bias", prefix + "_out", "b", Layout.SAME));
    }
}
