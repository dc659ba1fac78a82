package io.attnspark.model.attention;

import io.attnspark.model.layer.BatchNorm2d;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

import io.attnspark.model.attention.TorchParam.Layout;
import io.attnspark.model.layer.GroupedConvolution;
import io.attnspark.model.layer.RadixSelectVertex;
import io.attnspark.model.layer.RadixSumVertex;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration.GraphBuilder;
import org.deeplearning4j.nn.conf.distribution.NormalDistribution;
import org.deeplearning4j.nn.conf.layers.GlobalPoolingLayer;
import org.deeplearning4j.nn.conf.layers.PoolingType;
import org.nd4j.linalg.activations.Activation;

/**
 * Split attention (ResNeSt, Zhang et al.; seed 004 snippet 8.2, timm's {@code SplitAttn}), a replacement for a 3×3
 * conv with R = radix splits in each of K = cardinality groups: a 3×3 conv (stride, padding 1, no bias) with R·K
 * groups from C_in to R·C channels, BN, ReLU; the R parts (channels {@code [r·C, (r+1)·C)}) summed, global average
 * pool, fc1 (1×1 conv C→W with bias, K groups), BN, ReLU, fc2 (1×1 conv W→R·C with bias, K groups), rSoftMax (softmax
 * over the radix per cardinal group and channel; sigmoid for R = 1), and the attention-weighted sum of the R parts.
 * <p>
 * The fc width is the seed's {@code W = R·C // reduction}, raised to {@code minWidth}: timm and the ResNeSt code use
 * a minimum of 32 ({@code minWidth=32}; timm also rounds to a multiple of 8 and starts from the input channels, which
 * equal C in ResNeSt's blocks). fc1 has a bias as in timm (the seed's has none); the key names are timm's.
 * <p>
 * The output is a softmax- (or sigmoid-) weighted sum of BN+ReLU outputs, so it counts as normalized and activated:
 * a backbone drops the BN and ReLU that followed the replaced conv, as timm's {@code ResNestBottleneck} does (its
 * {@code bn2} and {@code act2} are {@code Identity} when radix ≥ 1). SplitAttn itself ends in the weighted sum.
 * <p>
 * Vertices ({@code prefix_part}) and the PyTorch keys they take: {@code _conv} ({@link GroupedConvolution}) ←
 * {@code conv.weight} [R·C, C_in/(R·K), 3, 3]; {@code _bn0} (with the ReLU fused) ←
 * {@code bn0.weight/bias/running_mean/running_var}; {@code _pool} (GlobalPoolingLayer AVG, [N, R·C, 1, 1]);
 * {@code _sum} ({@link RadixSumVertex}, absent for R = 1); {@code _fc1} (GroupedConvolution 1×1) ← {@code fc1.weight}
 * [W, C/K, 1, 1] / {@code fc1.bias}; {@code _bn1} (ReLU fused) ← {@code bn1.*}; {@code _fc2} ← {@code fc2.weight}
 * [R·C, W/K, 1, 1] / {@code fc2.bias}; {@code _attend} ({@link RadixSelectVertex}).
 *
 * @param radix       R, the splits per cardinal group (seed: 2)
 * @param cardinality K, the cardinal groups (seed: 1)
 * @param reduction   the ratio of R·C to the fc width (seed: 4)
 * @param minWidth    the least fc width (seed: none, 0; timm and ResNeSt: 32)
 */
public record SplitAttention(int radix, int cardinality, int reduction, int minWidth) implements ConvReplacement {

    public static final String NAME = "splat";
    public static final int DEFAULT_RADIX = 2;
    public static final int DEFAULT_CARDINALITY = 1;
    public static final int DEFAULT_REDUCTION = 4;
    /** No minimum: the seed's width, which is an error when it comes out 0. */
    public static final int DEFAULT_MIN_WIDTH = 0;

    public SplitAttention {
        requireAtLeast("radix", radix, 1);
        requireAtLeast("cardinality", cardinality, 1);
        requireAtLeast("reduction", reduction, 1);
        requireAtLeast("minWidth", minWidth, 0);
    }

    private static void requireAtLeast(String option, int value, int least) {
        if (value < least) {
            throw new IllegalArgumentException(NAME + ": '" + option + "' must be at least " + least + ", got " + value);
        }
    }

    /** Options {@code radix} (2), {@code cardinality} (1), {@code reduction} (4) and {@code minWidth} (0, none). */
    public static SplitAttention fromOptions(Map<String, Object> options) {
        var parsed = AttentionOptions.parse(NAME, options, Set.of("radix", "cardinality", "reduction", "minWidth"));
        return new SplitAttention(parsed.integer("radix", DEFAULT_RADIX), parsed.integer("cardinality", DEFAULT_CARDINALITY),
                parsed.integer("reduction", DEFAULT_REDUCTION), parsed.integer("minWidth", DEFAULT_MIN_WIDTH));
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public boolean normalizesAndActivates() {
        return true;
    }

    /**
     * The fc width {@code max(R·C // reduction, minWidth)} for C output channels.
     *
     * @throws IllegalArgumentException when it is 0 or not a multiple of the cardinality (fc1 and fc2 are grouped)
     */
    public int fcWidth(int outChannels) {
        int width = Math.max(radix * outChannels / reduction, minWidth);
        if (width < 1) {
            throw new IllegalArgumentException(NAME + ": " + outChannels + " channels with radix " + radix
                    + " and reduction " + reduction + " leave 0 fc channels; lower 'reduction' to at most "
                    + radix * outChannels + " or set 'minWidth' (timm uses 32)");
        }
        if (width % cardinality != 0) {
            throw new IllegalArgumentException(NAME + ": the fc width " + width + " (radix " + radix + " x " + outChannels
                    + " channels / reduction " + reduction + ", at least minWidth " + minWidth
                    + ") must be a multiple of the cardinality " + cardinality + "; change 'reduction' or 'minWidth'");
        }
        return width;
    }

    @Override
    public String attach(GraphBuilder graph, String prefix, String input, int inChannels, int outChannels, int stride) {
        if (stride < 1) {
            throw new IllegalArgumentException(NAME + ": stride must be at least 1, got " + stride);
        }
        int groups = radix * cardinality;
        if (inChannels % groups != 0) {
            throw new IllegalArgumentException(NAME + ": the conv's " + groups + " groups (radix " + radix
                    + " x cardinality " + cardinality + ") must divide the " + inChannels
                    + " input channels; choose a radix and cardinality whose product divides them");
        }
        if (outChannels % cardinality != 0) {
            throw new IllegalArgumentException(NAME + ": the cardinality " + cardinality + " must divide the "
                    + outChannels + " output channels");
        }
        int width = fcWidth(outChannels);
        int split = radix * outChannels;
        graph.addLayer(prefix + "_conv", conv(split, 3, stride, 1, groups, false), input);
        // ReLUs fused into the batch norms: DL4J's ActivationLayer copies the map in both passes
        graph.addLayer(prefix + "_bn0", BatchNorm2d.torchDefaults(split, true), prefix + "_conv");
        graph.addLayer(prefix + "_pool", new GlobalPoolingLayer.Builder(PoolingType.AVG).collapseDimensions(false).build(),
                prefix + "_bn0");
        String pooled = prefix + "_pool";
        if (radix > 1) {
            graph.addVertex(prefix + "_sum", new RadixSumVertex(radix), pooled);
            pooled = prefix + "_sum";
        }
        graph.addLayer(prefix + "_fc1", conv(width, 1, 1, 0, cardinality, true), pooled);
        graph.addLayer(prefix + "_bn1", BatchNorm2d.torchDefaults(width, true), prefix + "_fc1");
        graph.addLayer(prefix + "_fc2", conv(split, 1, 1, 0, cardinality, true), prefix + "_bn1");
        graph.addVertex(prefix + "_attend", new RadixSelectVertex(radix, cardinality), prefix + "_fc2",
                prefix + "_bn0");
        return prefix + "_attend";
    }

    /** A conv initialized with torch's kaiming_normal_(mode="fan_out"), as timm initializes ResNeSt's convs. */
    private static GroupedConvolution conv(int outChannels, int kernel, int stride, int padding, int groups, boolean bias) {
        return new GroupedConvolution.Builder().kernel(kernel).stride(stride).padding(padding).groups(groups)
                .hasBias(bias).nOut(outChannels).activation(Activation.IDENTITY)
                .weightInit(new NormalDistribution(0.0, Math.sqrt(2.0 / ((double) outChannels * kernel * kernel))))
                .build();
    }

    @Override
    public List<TorchParam> torchParams(String prefix, int inChannels, int outChannels, int stride) {
        var params = new ArrayList<TorchParam>();
        params.add(new TorchParam("conv.weight", prefix + "_conv", GroupedConvolution.WEIGHT_KEY, Layout.SAME));
        params.addAll(TorchParam.batchNorm("bn0.", prefix + "_bn0"));
        params.addAll(fcParams("fc1", prefix));
        params.addAll(TorchParam.batchNorm("bn1.", prefix + "_bn1"));
        params.addAll(fcParams("fc2", prefix));
        return params;
    }

    private static List<TorchParam> fcParams(String fc, String prefix) {
        return List.of(
                new TorchParam(fc + ".weight", prefix + "_" + fc, GroupedConvolution.WEIGHT_KEY, Layout.SAME),
                new TorchParam(fc + ".bias", prefix + "_" + fc, GroupedConvolution.BIAS_KEY, Layout.SAME));
    }
}
