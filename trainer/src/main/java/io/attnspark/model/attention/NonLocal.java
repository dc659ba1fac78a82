package io.attnspark.model.attention;

import io.attnspark.model.layer.BatchNorm2d;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

import io.attnspark.model.attention.TorchParam.Layout;
import io.attnspark.model.layer.Convolution2d;
import io.attnspark.model.layer.DotProductAttentionVertex;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration.GraphBuilder;
import org.deeplearning4j.nn.conf.graph.ElementWiseVertex;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.nd4j.linalg.activations.Activation;

/**
 * Embedded-Gaussian non-local block (Wang et al., "Non-local Neural Networks"; the block GCNet starts from, seed 003):
 * θ, φ, g are 1×1 convs C→C/r with bias; {@code y_i = sum over positions j of softmax_j(θ(x)_i · φ(x)_j) g(x)_j};
 * {@code z = BN(W y) + x} with W a 1×1 conv C/r→C with bias. The paper zero-initializes the BN scale so that the block
 * starts as the identity.
 * <p>
 * Vertices ({@code prefix_part}) and the PyTorch keys they take (the usual {@code NONLocalBlock2D} layout):
 * {@code _theta}, {@code _phi}, {@code _g} (Convolution2d 1×1 C→C/r) ← {@code theta.*}, {@code phi.*}, {@code g.*}
 * ({@code weight/bias}), {@code _attend} ({@link DotProductAttentionVertex}, one head, scale 1),
 * {@code _out} (Convolution2d 1×1 C/r→C) ← {@code W.0.weight/bias},
 * {@code _bn} ({@link BatchNorm2d}, eps 1e-5) ← {@code W.1.weight/bias/running_mean/running_var}
 * (as gamma/beta/mean/var; torch's {@code W.1.num_batches_tracked} counter has no DL4J counterpart and is not mapped),
 * {@code _residual} (ElementWiseVertex add).
 *
 * @param reduction     the ratio r of channels to the inner channels of θ, φ, g (paper: 2, i.e. 1/2; 8 for 1/8)
 * @param zeroInitGamma whether the BN scale starts at 0 (the paper's choice) rather than 1
 */
public record NonLocal(int reduction, boolean zeroInitGamma) implements AttentionModule {

    public static final String NAME = "nl";
    public static final int DEFAULT_REDUCTION = 2;

    public NonLocal {
        if (reduction < 1) {
            throw new IllegalArgumentException(NAME + ": 'reduction' must be at least 1, got " + reduction);
        }
    }

    /** Options {@code reduction} (default 2) and {@code zeroInitGamma} (default true). */
    public static NonLocal fromOptions(Map<String, Object> options) {
        var parsed = AttentionOptions.parse(NAME, options, Set.of("reduction", "zeroInitGamma"));
        return new NonLocal(parsed.integer("reduction", DEFAULT_REDUCTION),
                OptionChoices.flag(NAME, options, "zeroInitGamma", true));
    }

    @Override
    public String name() {
        return NAME;
    }

    /** @throws IllegalArgumentException when {@code channels} leaves no inner channel */
    public int innerChannels(int channels) {
        int inner = channels / reduction;
        if (inner < 1) {
            throw new IllegalArgumentException(NAME + ": " + channels + " channels with reduction " + reduction
                    + " leaves 0 inner channels; lower 'reduction' to at most " + channels);
        }
        return inner;
    }

    @Override
    public String attach(GraphBuilder graph, String prefix, String input, int channels) {
        int inner = innerChannels(channels);
        for (String embedding : List.of("_theta", "_phi", "_g")) {
            graph.addLayer(prefix + embedding, conv1x1(channels, inner), input);
        }
        graph.addVertex(prefix + "_attend", new DotProductAttentionVertex(1, 1.0), prefix + "_theta", prefix + "_phi", prefix + "_g");
        graph.addLayer(prefix + "_out", conv1x1(inner, channels), prefix + "_attend");
        graph.addLayer(prefix + "_bn", outputBatchNorm(channels, zeroInitGamma), prefix + "_out");
        graph.addVertex(prefix + "_residual", new ElementWiseVertex(ElementWiseVertex.Op.Add), input, prefix + "_bn");
        return prefix + "_residual";
    }

    /** The paper starts the output BN's scale at 0, so that the block starts as the identity. */
    private static BatchNorm2d outputBatchNorm(int channels, boolean zeroInitGamma) {
        BatchNorm2d batchNorm = BatchNorm2d.torchDefaults(channels);
        batchNorm.setGamma(zeroInitGamma ? 0.0 : 1.0);
        return batchNorm;
    }

    private static ConvolutionLayer conv1x1(int in, int out) {
        return new Convolution2d.Builder(1, 1).nIn(in).nOut(out).hasBias(true).activation(Activation.IDENTITY).build();
    }

    @Override
    public List<TorchParam> torchParams(String prefix, int channels) {
        var params = new ArrayList<>(List.of(
                new TorchParam("theta.weight", prefix + "_theta", "W", Layout.SAME),
                new TorchParam("theta.bias", prefix + "_theta", "b", Layout.SAME),
                new TorchParam("phi.weight", prefix + "_phi", "W", Layout.SAME),
                new TorchParam("phi.bias", prefix + "_phi", "b", Layout.SAME),
                new TorchParam("g.weight", prefix + "_g", "W", Layout.SAME),
                new TorchParam("g.bias", prefix + "_g", "b", Layout.SAME),
                new TorchParam("W.0.weight", prefix + "_out", "W", Layout.SAME),
                new TorchParam("W.0.bias", prefix + "_out", "b", Layout.SAME)));
        params.addAll(TorchParam.batchNorm("W.1.", prefix + "_bn"));
        return List.copyOf(params);
    }
}
