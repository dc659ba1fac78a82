package io.attnspark.model.attention;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

import io.attnspark.model.attention.TorchParam.Layout;
import io.attnspark.model.layer.Convolution2d;
import io.attnspark.model.layer.DotProductAttentionVertex;
import io.attnspark.model.layer.RelativePositionAttention;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration.GraphBuilder;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.distribution.NormalDistribution;
import org.deeplearning4j.nn.conf.layers.PoolingType;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;
import org.nd4j.linalg.activations.Activation;

/**
 * Multi-head self-attention over the H*W spatial positions as tokens (seed 004 snippet 11.2, class {@code MHSA}),
 * which BoTNet (Srinivas et al. 2021) puts in place of the 3×3 conv of the last stage's bottlenecks.
 * <p>
 * The seed's form (the default): one linear map C_in→3C with bias gives queries, keys and values (token layout
 * [3, heads, d] with d = C / heads), per head {@code softmax(Q Kᵀ / sqrt(d)) V}, the heads concatenated, and a linear
 * output projection C→C with bias; on tokens taken from NCHW activations the linear maps are 1×1 convolutions. Used as
 * a plain add-on it keeps the shape (C→C), exactly the seed's module. As a conv replacement it maps C_in→C_out, and for
 * stride 2 a 2×2 average pool with stride 2 follows the attention, as in BoTNet; the pool runs before the output
 * projection, which equals projecting first (both are linear and the pool's weights sum to 1) and costs a quarter.
 * On odd maps the pool covers the last row and column alone (torch's {@code AvgPool2d(2, 2, ceil_mode=True)}), so that
 * the output has the strided 3×3 conv's size {@code ceil(side / 2)}, which the block's shortcut has too.
 * <p>
 * {@code timm} follows timm's {@code BottleneckAttn} (timm/layers/bottleneck_attn.py, BoTNet's reference code) instead:
 * the qkv projection has no bias, there is no output projection, the qkv weight starts as timm's (normal, standard
 * deviation C_in^−1/2), and 4 heads are the default. timm rounds the query/key width up to a multiple of 8, so this
 * form needs C_out to be a multiple of 8 (all ResNet widths are). timm's pool is {@code AvgPool2d(2, 2)}: on odd maps it
 * drops the last row and column, which would not match the block's shortcut, so this one's ceil mode differs there.
 * <p>
 * {@code pos} {@link PositionEncoding#RELATIVE} adds BoTNet's relative position logits (timm's
 * {@code PosEmbedRel}) through {@link RelativePositionAttention}: its embeddings [2H−1, d] and [2W−1, d] are sized for
 * the map the module sees, which comes from the graph's input types, so the network then only takes that image size.
 * <p>
 * Vertices ({@code prefix_part}) and the PyTorch keys they take:
 * {@code _qkv} (Convolution2d 1×1 C_in→3C) ← {@code to_qkv.to_qkv.weight} [3C,C_in] / {@code .bias} (timm:
 * {@code qkv.weight} [3C,C_in,1,1], no bias);
 * {@code _attend}: without positions a {@link DotProductAttentionVertex} on the packed Q, K, V (channels [0,C), [C,2C),
 * [2C,3C); scale 1/sqrt(d)), with relative positions a {@link RelativePositionAttention} layer ←
 * {@code pos_embed.height_rel} [2H−1,d] / {@code pos_embed.width_rel} [2W−1,d];
 * {@code _pool} (SubsamplingLayer AVG 2×2, stride 2; only for stride 2);
 * {@code _out} (Convolution2d 1×1 C→C; not with timm) ← {@code to_output.weight} [C,C] / {@code .bias}.
 *
 * @param heads            the number of heads, which must divide the output channel count (seed: 8; BoTNet, timm: 4)
 * @param pos              none (the seed) or BoTNet's relative position logits
 * @param timm             timm's {@code BottleneckAttn} projections instead of the seed's
 */
public record MultiHeadSelfAttention(int heads, PositionEncoding pos, boolean timm) implements ConvReplacement {

    public static final String NAME = "mhsa";
    public static final int DEFAULT_HEADS = 8;
    public static final int DEFAULT_TIMM_HEADS = 4;

    /** Option {@code pos}. */
    public enum PositionEncoding {
        /** none, as in the seed: the output is the same for any H×W */
        NONE,
        /** BoTNet's relative position logits over height and width (timm's {@code PosEmbedRel}) */
        RELATIVE
    }

    public MultiHeadSelfAttention {
        if (heads < 1) {
            throw new IllegalArgumentException(NAME + ": 'heads' must be at least 1, got " + heads);
        }
        Objects.requireNonNull(pos, NAME + ": pos must not be null");
    }

    /** The seed's module with {@code heads} heads. */
    public MultiHeadSelfAttention(int heads) {
        this(heads, PositionEncoding.NONE, false);
    }

    /**
     * Options {@code heads} (default 8, or 4 with timm), {@code pos} ({@code none}, the default, or {@code relative})
     * and {@code timm} (0, the default: the seed's projections; 1: timm's BottleneckAttn).
     */
    public static MultiHeadSelfAttention fromOptions(Map<String, Object> options) {
        var parsed = AttentionOptions.parse(NAME, options, Set.of("heads", "pos", "timm"));
        int timm = parsed.integer("timm", 0);
        if (timm != 0 && timm != 1) {
            throw new IllegalArgumentException(NAME + ": option 'timm' must be 0 (the seed's MHSA) or 1 (timm's"
                    + " BottleneckAttn), got " + timm);
        }
        var position = OptionChoices.choice(NAME, options, "pos", PositionEncoding.class, PositionEncoding.NONE);
        return new MultiHeadSelfAttention(parsed.integer("heads", timm == 1 ? DEFAULT_TIMM_HEADS : DEFAULT_HEADS),
                position, timm == 1);
    }

    @Override
    public String name() {
        return NAME;
    }

    /** BoTNet: in place of the 3×3 convs of the last stage. */
    @Override
    public PlacementRole placementRole() {
        return PlacementRole.CONV_LAST_STAGE;
    }

    /** BN and ReLU of the block follow, as after the 3×3 conv (BoTNet). */
    @Override
    public boolean normalizesAndActivates() {
        return false;
    }

    /** @throws IllegalArgumentException when the heads do not split {@code channels} evenly */
    public int headChannels(int channels) {
        if (channels < heads || channels % heads != 0) {
            throw new IllegalArgumentException(NAME + ": " + channels + " channels do not split into " + heads
                    + " heads of equal size; set 'heads' to a divisor of " + channels);
        }
        return channels / heads;
    }

    /**
     * @throws IllegalArgumentException when the heads do not divide {@code outChannels}, the stride is not 1 or 2,
     *         timm's form gets output channels that are not a multiple of 8, or relative positions are asked for in a
     *         graph without input types
     */
    @Override
    public String attach(GraphBuilder graph, String prefix, String input, int inChannels, int outChannels, int stride) {
        if (stride != 1 && stride != 2) {
            throw new IllegalArgumentException(NAME + ": stride must be 1 or 2 (BoTNet pools 2×2 after the attention), got " + stride);
        }
        int headChannels = headChannels(outChannels);
        if (timm && outChannels % 8 != 0) {
            throw new IllegalArgumentException(NAME + ": with timm=1 the output channels must be a multiple of 8 (timm's"
                    + " BottleneckAttn rounds the query/key width up to one), got " + outChannels + "; use timm=0");
        }
        if (pos == PositionEncoding.RELATIVE
                && (graph.getNetworkInputTypes() == null || graph.getNetworkInputTypes().isEmpty())) {
            throw new IllegalArgumentException(NAME + ": pos=relative learns embeddings for one feature-map size, which"
                    + " comes from the graph's input types; call GraphBuilder.setInputTypes(...) before attaching the module");
        }
        var qkv = new Convolution2d.Builder(1, 1).nIn(inChannels).nOut(3L * outChannels).hasBias(!timm)
                .activation(Activation.IDENTITY);
        if (timm) {
            qkv.weightInit(new NormalDistribution(0.0, 1.0 / Math.sqrt(inChannels)));
        }
        graph.addLayer(prefix + "_qkv", qkv.build(), input);
        double scale = 1.0 / Math.sqrt(headChannels);
        if (pos == PositionEncoding.RELATIVE) {
            graph.addLayer(prefix + "_attend", new RelativePositionAttention(heads, scale), prefix + "_qkv");
        } else {
            graph.addVertex(prefix + "_attend", new DotProductAttentionVertex(heads, scale), prefix + "_qkv");
        }
        String output = prefix + "_attend";
        if (stride == 2) {
            // Same mode pads only the bottom and right for a 2×2 window, and the padding is left out of the mean
            // (torch's ceil mode); DL4J M2.1's backward with the padding in the divisor is wrong on odd maps
            graph.addLayer(prefix + "_pool", new SubsamplingLayer.Builder(PoolingType.AVG).kernelSize(2, 2).stride(2, 2)
                    .convolutionMode(ConvolutionMode.Same).avgPoolIncludePadInDivisor(false).build(), output);
            output = prefix + "_pool";
        }
        if (!timm) {
            graph.addLayer(prefix + "_out", new Convolution2d.Builder(1, 1).nIn(outChannels).nOut(outChannels)
                    .hasBias(true).activation(Activation.IDENTITY).build(), output);
            output = prefix + "_out";
        }
        return output;
    }

    @Override
    public List<TorchParam> torchParams(String prefix, int inChannels, int outChannels, int stride) {
        var params = new ArrayList<TorchParam>();
        if (timm) {
            params.add(new TorchParam("qkv.weight", prefix + "_qkv", "W", Layout.SAME));
        } else {
            params.add(new TorchParam("to_qkv.to_qkv.weight", prefix + "_qkv", "W", Layout.SAME));
            params.add(new TorchParam("to_qkv.to_qkv.bias", prefix + "_qkv", "b", Layout.SAME));
        }
        if (pos == PositionEncoding.RELATIVE) {
            params.add(new TorchParam("pos_embed.height_rel", prefix + "_attend", RelativePositionAttention.HEIGHT_KEY, Layout.SAME));
            params.add(new TorchParam("pos_embed.width_rel", prefix + "_attend", RelativePositionAttention.WIDTH_KEY, Layout.SAME));
        }
        if (!timm) {
            params.add(new TorchParam("to_output.weight", prefix + "_out", "W", Layout.SAME));
            params.add(new TorchParam("to_output.bias", prefix + "_out", "b", Layout.SAME));
        }
        return List.copyOf(params);
    }
}
