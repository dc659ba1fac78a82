package io.attnspark.model.attention;

import io.attnspark.model.layer.BatchNorm2d;
import io.attnspark.model.layer.Convolution2d;
import io.attnspark.model.layer.DilatedConvolution;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

import io.attnspark.model.attention.TorchParam.Layout;
import io.attnspark.model.layer.BranchSelectVertex;
import io.attnspark.model.layer.GlobalAvgPoolVertex;
import io.attnspark.model.layer.GroupedConvolution;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration.GraphBuilder;
import org.deeplearning4j.nn.conf.distribution.NormalDistribution;
import org.deeplearning4j.nn.conf.graph.ElementWiseVertex;
import org.deeplearning4j.nn.conf.layers.ActivationLayer;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.weights.WeightInit;
import org.nd4j.linalg.activations.Activation;

/**
 * Selective kernel (Li et al.; seed 001 snippets 7.1–7.3), a replacement for a 3×3 conv.
 * Split: M branches, branch m a 3×3 conv with dilation m and padding m (no bias), BN, ReLU. Fuse: sum of the
 * branches → global average pool → FC C→C/r (no bias) → BN → ReLU. Select: FC C/r→M·C (no bias), softmax over the
 * branches per channel, weighted sum of the branches.
 * <p>
 * The seed's branch convs are grouped with groups 32 (its ResNeXt setting); here {@code groups} defaults to 1 (dense
 * branches), which works at any channel count, and the seed's 32 is an option that needs input and output channel
 * counts divisible by 32 (checked when the module is attached). Dense branches are the project's Convolution2d layers
 * with their dilation, which run on oneDNN 2.5 ({@link DilatedConvolution}; networks saved before session 12 have
 * vertices {@code _branch<m>_conv_to_batch}/{@code _to_space} around the conv at stride 1, {@code
 * _branch<m>_conv_subsample} before it at stride m). Grouped branches are the project's {@link GroupedConvolution}
 * (one oneDNN grouped convolution with dilation).
 * <p>
 * Vertices ({@code prefix_part}) and the PyTorch keys they take (m counts from 1, torch's index from 0):
 * {@code _branch<m>_conv} (ConvolutionLayer, or GroupedConvolution when groups &gt; 1; both take torch's
 * [out, in / groups, 3, 3] weight as is) ← {@code split.branches.<m-1>.conv.weight},
 * {@code _branch<m>_bn} (with the ReLU fused) ← {@code split.branches.<m-1>.bn.weight/bias/running_mean/running_var},
 * {@code _sum} (ElementWiseVertex add; absent for M = 1), {@code _pool} (GlobalAvgPoolVertex),
 * {@code _fuse} (DenseLayer) ← {@code fuse.fc.0.weight}, {@code _fuse_bn} ← {@code fuse.fc.1.*}, {@code _fuse_relu},
 * {@code _select} (DenseLayer) ← {@code select.fc.weight}, {@code _weigh} ({@link BranchSelectVertex}).
 *
 * @param branches  the number M of branches (seed and paper: 2)
 * @param reduction the ratio r of channels to the fuse layer's width C / r (seed: 16)
 * @param groups    the groups of each branch conv (default 1; seed: 32, for ResNeXt)
 */
public record SelectiveKernel(int branches, int reduction, int groups) implements ConvReplacement {

    public static final String NAME = "sk";
    public static final int DEFAULT_BRANCHES = 2;
    public static final int DEFAULT_REDUCTION = 16;
    /** Dense branches, valid at any channel count; the seed's 32 must divide the channels. */
    public static final int DEFAULT_GROUPS = 1;

    public SelectiveKernel {
        if (branches < 1) {
            throw new IllegalArgumentException(NAME + ": 'branches' must be at least 1, got " + branches);
        }
        if (reduction < 1) {
            throw new IllegalArgumentException(NAME + ": 'reduction' must be at least 1, got " + reduction);
        }
        if (groups < 1) {
            throw new IllegalArgumentException(NAME + ": 'groups' must be at least 1, got " + groups);
        }
    }

    /** Options {@code branches} (default 2), {@code reduction} (default 16) and {@code groups} (default 1). */
    public static SelectiveKernel fromOptions(Map<String, Object> options) {
        var parsed = AttentionOptions.parse(NAME, options, Set.of("branches", "reduction", "groups"));
        return new SelectiveKernel(parsed.integer("branches", DEFAULT_BRANCHES),
                parsed.integer("reduction", DEFAULT_REDUCTION), parsed.integer("groups", DEFAULT_GROUPS));
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public boolean normalizesAndActivates() {
        return true;
    }

    /** The seed's fuse width {@code C // r}. @throws IllegalArgumentException when it is 0 */
    public int fuseWidth(int channels) {
        int width = channels / reduction;
        if (width < 1) {
            throw new IllegalArgumentException(NAME + ": " + channels + " channels with reduction " + reduction
                    + " leaves 0 fuse channels; lower 'reduction' to at most " + channels);
        }
        return width;
    }

    @Override
    public String attach(GraphBuilder graph, String prefix, String input, int inChannels, int outChannels, int stride) {
        if (stride < 1) {
            throw new IllegalArgumentException(NAME + ": stride must be at least 1, got " + stride);
        }
        int fuse = fuseWidth(outChannels);
        if (inChannels % groups != 0 || outChannels % groups != 0) {
            throw new IllegalArgumentException(NAME + ": groups " + groups + " must divide the input and output channels ("
                    + inChannels + " -> " + outChannels + "); choose a 'groups' that divides both (1 always does)");
        }
        // layer by layer across the branches, close to DL4J's breadth-first order of the flattened parameters
        long[] mapSize = groups == 1 && branches > 1 ? FeatureMapSize.of(graph, input, NAME) : null;
        var convOutputs = new ArrayList<String>();
        for (int m = 1; m <= branches; m++) {
            convOutputs.add(addBranchConv(graph, branch(prefix, m) + "_conv", input, m, inChannels, outChannels, stride,
                    mapSize));
        }
        var branchOutputs = new ArrayList<String>();
        for (int m = 1; m <= branches; m++) {
            // the ReLU fused into the batch norm: DL4J's ActivationLayer copies the map in both passes
            graph.addLayer(branch(prefix, m) + "_bn", BatchNorm2d.torchDefaults(outChannels, true), convOutputs.get(m - 1));
            branchOutputs.add(branch(prefix, m) + "_bn");
        }
        String sum = branchOutputs.get(0);
        if (branches > 1) {
            sum = prefix + "_sum";
            graph.addVertex(sum, new ElementWiseVertex(ElementWiseVertex.Op.Add), branchOutputs.toArray(String[]::new));
        }
        graph.addVertex(prefix + "_pool", new GlobalAvgPoolVertex(), sum);
        graph.addLayer(prefix + "_fuse", new DenseLayer.Builder().nIn(outChannels).nOut(fuse).hasBias(false)
                .activation(Activation.IDENTITY).weightInit(WeightInit.RELU).build(), prefix + "_pool");
        graph.addLayer(prefix + "_fuse_bn", BatchNorm2d.torchDefaults(fuse), prefix + "_fuse");
        // a separate ReLU on this [N, C/r] vector costs nothing measurable; fused, SK's first 10 training steps left
        // PyTorch's trajectory by 2.2e-3 instead of 4.4e-4 (TrajectoryParityTest), with the same forward values
        graph.addLayer(prefix + "_fuse_relu", new ActivationLayer.Builder().activation(Activation.RELU).build(),
                prefix + "_fuse_bn");
        graph.addLayer(prefix + "_select", new DenseLayer.Builder().nIn(fuse).nOut((long) branches * outChannels)
                .hasBias(false).activation(Activation.IDENTITY).weightInit(WeightInit.XAVIER).build(), prefix + "_fuse_relu");
        var weighInputs = new ArrayList<String>();
        weighInputs.add(prefix + "_select");
        weighInputs.addAll(branchOutputs);
        graph.addVertex(prefix + "_weigh", new BranchSelectVertex(), weighInputs.toArray(String[]::new));
        return prefix + "_weigh";
    }

    /**
     * Branch m's 3×3 conv with dilation and padding m, initialized with torch's kaiming_normal_(mode="fan_out").
     *
     * @return the vertex that holds its output
     */
    private String addBranchConv(GraphBuilder graph, String name, String input, int m, int inChannels, int outChannels,
            int stride, long[] mapSize) {
        var init = new NormalDistribution(0.0, Math.sqrt(2.0 / (outChannels * 9.0)));
        if (groups == 1) {
            var conv = new Convolution2d.Builder(3, 3).nIn(inChannels).nOut(outChannels).hasBias(false)
                    .activation(Activation.IDENTITY).weightInit(init);
            return DilatedConvolution.add(graph, name, input, conv, 3, m, stride, mapSize);
        }
        graph.addLayer(name, new GroupedConvolution.Builder().kernel(3).stride(stride).dilation(m).padding(m).groups(groups)
                .nIn(inChannels).nOut(outChannels).activation(Activation.IDENTITY).weightInit(init).build(), input);
        return name;
    }

    private static String branch(String prefix, int m) {
        return prefix + "_branch" + m;
    }

    @Override
    public List<TorchParam> torchParams(String prefix, int inChannels, int outChannels, int stride) {
        var params = new ArrayList<TorchParam>();
        for (int m = 1; m <= branches; m++) {
            String torch = "split.branches." + (m - 1) + ".";
            params.add(new TorchParam(torch + "conv.weight", branch(prefix, m) + "_conv", "W", Layout.SAME));
            params.addAll(TorchParam.batchNorm(torch + "bn.", branch(prefix, m) + "_bn"));
        }
        params.add(new TorchParam("fuse.fc.0.weight", prefix + "_fuse", "W", Layout.DENSE_FROM_LINEAR));
        params.addAll(TorchParam.batchNorm("fuse.fc.1.", prefix + "_fuse_bn"));
        params.add(new TorchParam("select.fc.weight", prefix + "_select", "W", Layout.DENSE_FROM_LINEAR));
        return params;
    }
}
