package io.attnspark.model.backbone;

import io.attnspark.model.attention.ConvReplacement;
import java.util.Optional;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration.GraphBuilder;

/** The residual branch of a ResNet block; the shortcut, attention, add and final ReLU are added by {@link ResNet}. */
sealed interface ResidualBlock permits BasicBlock, Bottleneck {

    /** Output channels of the branch divided by {@code planes}. */
    int expansion();

    /**
     * Adds the branch's convolutions, batch norms and inner ReLUs, named {@code prefix + ".conv1"}, {@code ".bn1"}, ...
     * When {@code replacement} is present it takes the place of the block's strided 3x3 conv ({@link #replacedConv}),
     * as the SK and ResNeSt papers place theirs; its vertices start with that conv's name plus {@code _} (e.g.
     * {@code layer1.0.conv2_}), the conv's path being also the module's torch path. When the replacement
     * {@link ConvReplacement#normalizesAndActivates() normalizes and activates}, the BN and ReLU after the conv go.
     *
     * @param inChannels the channels of {@code input}
     * @return the name of the branch's last batch norm, whose output has {@code planes * expansion()} channels
     */
    String addBranch(GraphBuilder graph, String prefix, String input, int inChannels, int planes, int stride,
                     Optional<ConvReplacement> replacement);

    /** The name of the conv that a {@link ConvReplacement} takes the place of, e.g. {@code layer1.0.conv2}. */
    String replacedConv(String prefix);
}
