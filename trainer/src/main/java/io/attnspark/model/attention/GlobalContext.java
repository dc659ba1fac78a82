package io.attnspark.model.attention;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

import io.attnspark.model.attention.TorchParam.Layout;
import io.attnspark.model.layer.AttentionPoolVertex;
import io.attnspark.model.layer.ChannelAddVertex;
import io.attnspark.model.layer.ChannelScaleVertex;
import io.attnspark.model.layer.GlobalAvgPoolVertex;
import io.attnspark.model.layer.GroupedConvolution;
import io.attnspark.model.layer.LayerNormVertex;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration.GraphBuilder;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.misc.ElementWiseMultiplicationLayer;
import org.deeplearning4j.nn.weights.WeightInitConstant;
import org.nd4j.linalg.activations.Activation;

/**
 * Global context block (GCNet, Cao et al.; seed 003, class {@code ContextBlock}). Context modelling: attention pooling
 * {@code sum over positions of softmax(conv1×1 C→1 (x)) · x}, or global average pooling. Transform: 1×1 conv
 * C→C/r, LayerNorm over [C/r,1,1] with elementwise affine, ReLU, 1×1 conv C/r→C. Fusion: {@code x + t} (channel add)
 * or {@code x · sigmoid(t)} (channel mul). On the pooled [N,C] context the 1×1 convs are dense layers.
 * <p>
 * Vertices ({@code prefix_part}) and the PyTorch keys they take, with {@code T} = {@code channel_add_conv} or
 * {@code channel_mul_conv} by the fusion:
 * {@code _mask} ({@link GroupedConvolution} 1×1 C→1, only for attention pooling) ← {@code conv_mask.weight/bias},
 * {@code _pool} ({@link AttentionPoolVertex}, or {@link GlobalAvgPoolVertex}),
 * {@code _transform} (DenseLayer C→C/r) ← {@code T.0.weight/bias}, {@code _norm} ({@link LayerNormVertex}, eps 1e-5),
 * {@code _affine} (ElementWiseMultiplicationLayer, ReLU) ← {@code T.1.weight/bias},
 * {@code _expand} (DenseLayer C/r→C, identity or sigmoid) ← {@code T.3.weight/bias},
 * {@code _fuse} ({@link ChannelAddVertex} or {@link ChannelScaleVertex}).
 *
 * @param reduction the transform has C / reduction channels, the seed's {@code int(inplanes * ratio)} with
 *                  {@code ratio = 1 / reduction} (seed example 1/16; the paper's best 1/4; timm 1/8)
 * @param pooling   context modelling
 * @param fusion    how the transformed context joins x
 */
public record GlobalContext(int reduction, Pooling pooling, Fusion fusion) implements AttentionModule {

    public static final String NAME = "gc";
    /** the seed's example {@code ContextBlock(inplanes=64, ratio=1./16.)} */
    public static final int DEFAULT_REDUCTION = 16;

    /** The seed's {@code pooling_type}. */
    public enum Pooling { ATT, AVG }

    /** The seed's {@code fusion_types}, one of them. */
    public enum Fusion {
        ADD("channel_add_conv"), MUL("channel_mul_conv");

        private final String torchModule;

        Fusion(String torchModule) {
            this.torchModule = torchModule;
        }
    }

    public GlobalContext {
        if (reduction < 1) {
            throw new IllegalArgumentException(NAME + ": 'reduction' must be at least 1, got " + reduction);
        }
        Objects.requireNonNull(pooling, NAME + ": pooling");
        Objects.requireNonNull(fusion, NAME + ": fusion");
    }

    /**
     * Options {@code reduction} (default 16, i.e. ratio 1/16), {@code pooling} ({@code att}, the default, or
     * {@code avg}) and {@code fusion} ({@code add}, the default, or {@code mul}).
     */
    public static GlobalContext fromOptions(Map<String, Object> options) {
        var parsed = AttentionOptions.parse(NAME, options, Set.of("reduction", "pooling", "fusion"));
        return new GlobalContext(parsed.integer("reduction", DEFAULT_REDUCTION),
                OptionChoices.choice(NAME, options, "pooling", Pooling.class, Pooling.ATT),
                OptionChoices.choice(NAME, options, "fusion", Fusion.class, Fusion.ADD));
    }

    @Override
    public String name() {
        return NAME;
    }

    /** GCNet's c3-c5: after the add, past the first stage. */
    @Override
    public PlacementRole placementRole() {
        return PlacementRole.AFTER_ADD_PAST_FIRST_STAGE;
    }

    @Override
    public Optional<String> attentionMapsRemark() {
        return Optional.of("with pooling att or fusion mul");
    }

    /** @throws IllegalArgumentException when {@code channels} leaves no transform channel */
    public int planes(int channels) {
        int planes = channels / reduction;
        if (planes < 1) {
            throw new IllegalArgumentException(NAME + ": " + channels + " channels with reduction " + reduction
                    + " leaves 0 transform channels; lower 'reduction' to at most " + channels);
        }
        return planes;
    }

    @Override
    public String attach(GraphBuilder graph, String prefix, String input, int channels) {
        int planes = planes(channels);
        if (pooling == Pooling.ATT) {
            graph.addLayer(prefix + "_mask", new GroupedConvolution.Builder().kernel(1).nIn(channels).nOut(1).hasBias(true)
                    .build(), input);
            graph.addVertex(prefix + "_pool", new AttentionPoolVertex(), input, prefix + "_mask");
        } else {
            graph.addVertex(prefix + "_pool", new GlobalAvgPoolVertex(), input);
        }
        graph.addLayer(prefix + "_transform", new DenseLayer.Builder().nIn(channels).nOut(planes).hasBias(true)
                .activation(Activation.IDENTITY).build(), prefix + "_pool");
        graph.addVertex(prefix + "_norm", new LayerNormVertex(LayerNormVertex.TORCH_EPS), prefix + "_transform");
        // torch's LayerNorm initializes weight 1 and bias 0; DL4J's default weight init would scale randomly
        graph.addLayer(prefix + "_affine", new ElementWiseMultiplicationLayer.Builder().nIn(planes).nOut(planes)
                .weightInit(new WeightInitConstant(1.0)).biasInit(0.0)
                .activation(Activation.RELU).build(), prefix + "_norm");
        graph.addLayer(prefix + "_expand", new DenseLayer.Builder().nIn(planes).nOut(channels).hasBias(true)
                .activation(fusion == Fusion.ADD ? Activation.IDENTITY : Activation.SIGMOID).build(), prefix + "_affine");
        graph.addVertex(prefix + "_fuse", fusion == Fusion.ADD ? new ChannelAddVertex() : new ChannelScaleVertex(),
                input, prefix + "_expand");
        return prefix + "_fuse";
    }

    /**
     * With attention pooling, the softmax over positions of {@code _mask}; with {@code mul} fusion, the sigmoid
     * {@code _expand} per channel ({@code add} fusion adds a context, it gates nothing).
     */
    @Override
    public List<AttentionMap> attentionMaps(String prefix) {
        List<AttentionMap> maps = new ArrayList<>();
        if (pooling == Pooling.ATT) {
            maps.add(new AttentionMap(prefix, prefix + "_mask", AttentionMap.Kind.SPATIAL,
                    AttentionMap.Reading.SOFTMAX_OVER_POSITIONS));
        }
        if (fusion == Fusion.MUL) {
            maps.add(AttentionMap.gate(prefix, prefix + "_expand", AttentionMap.Kind.CHANNEL));
        }
        return List.copyOf(maps);
    }

    @Override
    public List<TorchParam> torchParams(String prefix, int channels) {
        var params = new ArrayList<TorchParam>();
        if (pooling == Pooling.ATT) {
            params.add(new TorchParam("conv_mask.weight", prefix + "_mask", "W", Layout.SAME));
            params.add(new TorchParam("conv_mask.bias", prefix + "_mask", "b", Layout.SAME));
        }
        String transform = fusion.torchModule;
        params.add(new TorchParam(transform + ".0.weight", prefix + "_transform", "W", Layout.DENSE_FROM_LINEAR));
        params.add(new TorchParam(transform + ".0.bias", prefix + "_transform", "b", Layout.SAME));
        params.add(new TorchParam(transform + ".1.weight", prefix + "_affine", "W", Layout.SAME));
        params.add(new TorchParam(transform + ".1.bias", prefix + "_affine", "b", Layout.SAME));
        params.add(new TorchParam(transform + ".3.weight", prefix + "_expand", "W", Layout.DENSE_FROM_LINEAR));
        params.add(new TorchParam(transform + ".3.bias", prefix + "_expand", "b", Layout.SAME));
        return List.copyOf(params);
    }
}
