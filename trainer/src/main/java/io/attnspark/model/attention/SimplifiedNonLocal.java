package io.attnspark.model.attention;

import java.util.List;
import java.util.Map;
import java.util.Set;

import io.attnspark.model.attention.TorchParam.Layout;
import io.attnspark.model.layer.AttentionPoolVertex;
import io.attnspark.model.layer.ChannelAddVertex;
import io.attnspark.model.layer.GroupedConvolution;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration.GraphBuilder;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.nd4j.linalg.activations.Activation;

/**
 * Simplified (query-independent) non-local block, as GCNet defines it (Cao et al., Eq. 3 and Fig. 4b; seed 003):
 * {@code z = x + W_v · sum over positions j of softmax_j(W_k x) · x_j}, with W_k a 1×1 conv C→1 and W_v a 1×1 conv
 * C→C, both with bias. It is the GC block's attention pooling with a plain C→C transform and channel-add fusion.
 * <p>
 * Vertices ({@code prefix_part}) and the PyTorch keys they take: {@code _mask} ({@link GroupedConvolution} 1×1 C→1) ←
 * {@code conv_mask.weight/bias}, {@code _pool} ({@link AttentionPoolVertex}), {@code _value} (DenseLayer C→C on the
 * pooled context) ← {@code conv_value.weight/bias}, {@code _fuse} ({@link ChannelAddVertex}).
 */
public record SimplifiedNonLocal() implements AttentionModule {

    public static final String NAME = "snl";

    /** No options: the paper's block has no reduction. */
    public static SimplifiedNonLocal fromOptions(Map<String, Object> options) {
        AttentionOptions.parse(NAME, options, Set.of());
        return new SimplifiedNonLocal();
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String attach(GraphBuilder graph, String prefix, String input, int channels) {
        if (channels < 1) {
            throw new IllegalArgumentException(NAME + ": needs at least 1 channel, got " + channels);
        }
        graph.addLayer(prefix + "_mask", new GroupedConvolution.Builder().kernel(1).nIn(channels).nOut(1).hasBias(true)
                .build(), input);
        graph.addVertex(prefix + "_pool", new AttentionPoolVertex(), input, prefix + "_mask");
        graph.addLayer(prefix + "_value", new DenseLayer.Builder().nIn(channels).nOut(channels).hasBias(true)
                .activation(Activation.IDENTITY).build(), prefix + "_pool");
        graph.addVertex(prefix + "_fuse", new ChannelAddVertex(), input, prefix + "_value");
        return prefix + "_fuse";
    }

    /** The softmax over positions of {@code _mask}. */
    @Override
    public List<AttentionMap> attentionMaps(String prefix) {
        return List.of(new AttentionMap(prefix, prefix + "_mask", AttentionMap.Kind.SPATIAL,
                AttentionMap.Reading.SOFTMAX_OVER_POSITIONS));
    }

    @Override
    public List<TorchParam> torchParams(String prefix, int channels) {
        return List.of(
                new TorchParam("conv_mask.weight", prefix + "_mask", "W", Layout.SAME),
                new TorchParam("conv_mask.bias", prefix + "_mask", "b", Layout.SAME),
                new TorchParam("conv_value.weight", prefix + "_value", "W", Layout.DENSE_FROM_LINEAR),
                new TorchParam("conv_value.bias", prefix + "_value", "b", Layout.SAME));
    }
}
