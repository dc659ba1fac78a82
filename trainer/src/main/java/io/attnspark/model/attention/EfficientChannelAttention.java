package io.attnspark.model.attention;

import java.util.List;
import java.util.Map;
import java.util.Set;

import io.attnspark.model.attention.TorchParam.Layout;
import io.attnspark.model.layer.ChannelScaleVertex;
import io.attnspark.model.layer.Convolution2d;
import io.attnspark.model.layer.GlobalAvgPoolVertex;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration.GraphBuilder;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.graph.ReshapeVertex;
import org.nd4j.linalg.activations.Activation;

/**
 * Efficient channel attention (Wang et al.; seed snippet 3.2): global average pool, a 1-D convolution of size k across
 * the channels (zero padding k/2, no bias), sigmoid, then {@code x · a}.
 * The pooled [N,C] is reshaped to a 1×C image so that a built-in 1×k convolution does the 1-D one.
 * Vertices: {@code prefix_squeeze} (GlobalAvgPoolVertex), {@code prefix_row} (ReshapeVertex to [N,1,1,C]),
 * {@code prefix_conv} (Convolution2d 1×k, sigmoid) ← {@code conv.weight} [1,1,k], {@code prefix_scale}
 * ({@link ChannelScaleVertex}).
 *
 * @param kernelSize the odd kernel size k, or 0 for the paper's adaptive k = odd(|log2(C) + beta| / gamma)
 * @param gamma      gamma of the adaptive kernel size (paper: 2)
 * @param beta       b of the adaptive kernel size (paper: 1)
 * @param minKernelSize the smallest adaptive kernel size (paper: 1; timm's {@code EcaModule}: 3)
 */
public record EfficientChannelAttention(int kernelSize, int gamma, int beta, int minKernelSize) implements AttentionModule {

    public static final String NAME = "eca";

    public EfficientChannelAttention {
        if (kernelSize < 0 || kernelSize > 0 && kernelSize % 2 == 0) {
            throw new IllegalArgumentException(NAME + ": 'kernelSize' must be odd (padding k/2 keeps C outputs), or 0 for"
                    + " the adaptive size; got " + kernelSize);
        }
        if (gamma < 1) {
            throw new IllegalArgumentException(NAME + ": 'gamma' must be at least 1, got " + gamma);
        }
        if (minKernelSize < 1 || minKernelSize % 2 == 0) {
            throw new IllegalArgumentException(NAME + ": 'minKernelSize' must be odd and at least 1 (timm uses 3), got "
                    + minKernelSize);
        }
    }

    /** The paper's module: adaptive kernels may be as small as 1. */
    public EfficientChannelAttention(int kernelSize, int gamma, int beta) {
        this(kernelSize, gamma, beta, 1);
    }

    /**
     * Options {@code kernelSize} (default 0: adaptive), {@code gamma} (default 2), {@code beta} (default 1) and
     * {@code minKernelSize} (default 1; 3 for timm's {@code ecaresnet} weights).
     */
    public static EfficientChannelAttention fromOptions(Map<String, Object> options) {
        var parsed = AttentionOptions.parse(NAME, options, Set.of("kernelSize", "gamma", "beta", "minKernelSize"));
        return new EfficientChannelAttention(parsed.integer("kernelSize", 0), parsed.integer("gamma", 2),
                parsed.integer("beta", 1), parsed.integer("minKernelSize", 1));
    }

    @Override
    public String name() {
        return NAME;
    }

    /**
     * The kernel size at {@code channels} channels; the adaptive one is the paper's formula, rounded up to odd, and at
     * least {@link #minKernelSize}.
     */
    public int kernelSize(int channels) {
        if (kernelSize > 0) {
            return kernelSize;
        }
        int t = (int) Math.abs((Math.log(channels) / Math.log(2) + beta) / gamma);
        return Math.max(t % 2 == 1 ? t : t + 1, minKernelSize);
    }

    @Override
    public String attach(GraphBuilder graph, String prefix, String input, int channels) {
        int k = kernelSize(channels);
        graph.addVertex(prefix + "_squeeze", new GlobalAvgPoolVertex(), input);
        graph.addVertex(prefix + "_row", new ReshapeVertex(-1, 1, 1, channels), prefix + "_squeeze");
        graph.addLayer(prefix + "_conv", new Convolution2d.Builder(1, k).padding(0, k / 2).stride(1, 1)
                .convolutionMode(ConvolutionMode.Truncate).nIn(1).nOut(1).hasBias(false)
                .activation(Activation.SIGMOID).build(), prefix + "_row");
        graph.addVertex(prefix + "_scale", new ChannelScaleVertex(), input, prefix + "_conv");
        return prefix + "_scale";
    }

    /** {@code _conv}: the sigmoid gate per channel, as [N,1,1,C]. */
    @Override
    public List<AttentionMap> attentionMaps(String prefix) {
        return List.of(AttentionMap.gate(prefix, prefix + "_conv", AttentionMap.Kind.CHANNEL));
    }

    @Override
    public List<TorchParam> torchParams(String prefix, int channels) {
        return List.of(new TorchParam("conv.weight", prefix + "_conv", "W", Layout.SAME));
    }
}
