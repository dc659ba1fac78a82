package io.attnspark.model.attention;

import java.util.List;

import org.deeplearning4j.nn.conf.ComputationGraphConfiguration.GraphBuilder;

/**
 * An attention module that replaces a convolution (kind "replaces 3×3 conv" in modules.md: SK, ...): it maps
 * {@code inChannels} to {@code outChannels} with a stride, like the 3×3 conv it stands in for. It is registered in
 * {@link AttentionRegistry} like any module; used as a plain {@link AttentionModule} it keeps the shape
 * ({@code channels → channels}, stride 1), which is the seeds' own form of these modules.
 */
public interface ConvReplacement extends AttentionModule {

    /**
     * Adds the module on top of {@code input} (NCHW, {@code inChannels}); vertices are named {@code prefix + "_" + part}.
     *
     * @return the name of the vertex that outputs {@code outChannels} channels at {@code 1 / stride} the side
     *         (torch's {@code floor((side - 1) / stride) + 1} for a padded 3×3 conv)
     * @throws IllegalArgumentException when the module cannot work at these channel counts
     */
    String attach(GraphBuilder graph, String prefix, String input, int inChannels, int outChannels, int stride);

    /** The PyTorch state_dict keys (relative to the module) of {@link #attach(GraphBuilder, String, String, int, int, int)}. */
    List<TorchParam> torchParams(String prefix, int inChannels, int outChannels, int stride);

    /**
     * Whether the output is already batch-normalized and activated (SK's and split attention's branches end in
     * BN + ReLU), so that a backbone drops the BN and ReLU that followed the replaced conv.
     */
    boolean normalizesAndActivates();

    /** In place of every block's 3×3 conv, unless the module says otherwise. */
    @Override
    default PlacementRole placementRole() {
        return PlacementRole.CONV_EVERY_BLOCK;
    }

    @Override
    default String attach(GraphBuilder graph, String prefix, String input, int channels) {
        return attach(graph, prefix, input, channels, channels, 1);
    }

    @Override
    default List<TorchParam> torchParams(String prefix, int channels) {
        return torchParams(prefix, channels, channels, 1);
    }
}
