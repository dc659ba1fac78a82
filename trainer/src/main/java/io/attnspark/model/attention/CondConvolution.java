package io.attnspark.model.attention;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

import io.attnspark.model.layer.KernelMixtureConvolution.Gate;
import io.attnspark.model.attention.TorchParam.Layout;
import io.attnspark.model.layer.KernelMixtureConvolution;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration.GraphBuilder;
import org.deeplearning4j.nn.conf.distribution.NormalDistribution;
import org.nd4j.linalg.activations.Activation;

/**
 * Conditionally parameterized convolution (CondConv, Yang et al.; seed 004 section 9), a replacement for a 3×3 conv:
 * routing {@code a = sigmoid(Linear(GAP(x)))} over E experts, then a 3×3 conv (padding 1, the stride) with the
 * per-example kernel {@code Σ_i a_i W_i} and bias {@code Σ_i a_i b_i}. One {@link KernelMixtureConvolution} layer,
 * {@code prefix_conv}; the BN and ReLU of the block follow it.
 * <p>
 * PyTorch keys, as timm's {@code CondConv2d} with its routing {@code Linear} named as in timm's CondConv blocks:
 * {@code routing_fn.weight} [E, C_in] / {@code routing_fn.bias} [E] → {@code routeW} / {@code routeB},
 * {@code weight} [E, C_out·C_in·3·3] → {@code W}, {@code bias} [E, C_out] → {@code b} (only with bias).
 *
 * @param experts the number E of expert kernels (seed: 8; timm: 4)
 * @param bias    whether each expert has a bias (seed: yes; timm: no)
 */
public record CondConvolution(int experts, boolean bias) implements ConvReplacement {

    public static final String NAME = "condconv";
    public static final int DEFAULT_EXPERTS = 8;

    public CondConvolution {
        if (experts < 1) {
            throw new IllegalArgumentException(NAME + ": 'experts' must be at least 1, got " + experts);
        }
    }

    /** Options {@code experts} (default 8) and {@code bias} (default true; false is timm's). */
    public static CondConvolution fromOptions(Map<String, Object> options) {
        var parsed = AttentionOptions.parse(NAME, options, Set.of("experts", "bias"));
        return new CondConvolution(parsed.integer("experts", DEFAULT_EXPERTS), OptionChoices.flag(NAME, options, "bias", true));
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public boolean normalizesAndActivates() {
        return false;
    }

    @Override
    public String attach(GraphBuilder graph, String prefix, String input, int inChannels, int outChannels, int stride) {
        graph.addLayer(prefix + "_conv", expertConvolution(NAME, experts, bias, inChannels, outChannels, stride)
                .gate(Gate.SIGMOID).build(), input);
        return prefix + "_conv";
    }

    /** The 3×3 expert convolution shared by CondConv and dynamic convolution; the caller sets the routing. */
    static KernelMixtureConvolution.Builder expertConvolution(String module, int experts, boolean bias, int inChannels,
            int outChannels, int stride) {
        if (stride < 1) {
            throw new IllegalArgumentException(module + ": stride must be at least 1, got " + stride);
        }
        return new KernelMixtureConvolution.Builder().kernel(3).padding(1).stride(stride).experts(experts).expertBias(bias)
                .nIn(inChannels).nOut(outChannels).activation(Activation.IDENTITY)
                // each expert like the backbone's convs: torch's kaiming_normal_(mode="fan_out")
                .weightInit(new NormalDistribution(0.0, Math.sqrt(2.0 / (outChannels * 9.0))));
    }

    @Override
    public List<TorchParam> torchParams(String prefix, int inChannels, int outChannels, int stride) {
        String layer = prefix + "_conv";
        var params = new ArrayList<TorchParam>(List.of(
                new TorchParam("routing_fn.weight", layer, KernelMixtureConvolution.ROUTE_WEIGHT, Layout.SAME),
                new TorchParam("routing_fn.bias", layer, KernelMixtureConvolution.ROUTE_BIAS, Layout.SAME),
                new TorchParam("weight", layer, KernelMixtureConvolution.EXPERT_WEIGHT, Layout.SAME)));
        if (bias) {
            params.add(new TorchParam("bias", layer, KernelMixtureConvolution.EXPERT_BIAS, Layout.SAME));
        }
        return params;
    }
}
