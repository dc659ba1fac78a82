package io.attnspark.model.backbone;

import org.deeplearning4j.nn.conf.ComputationGraphConfiguration.GraphBuilder;

/** The residual branch of a ResNet block; the shortcut, attention, add and final ReLU are added by {@link ResNet}. */
sealed interface ResidualBlock permits BasicBlock, Bottleneck {

    /** Output channels of the branch divided by {@code planes}. */
    int expansion();

    /**
     * Adds the branch's convolutions, batch norms and inner ReLUs, named {@code prefix + ".conv1"}, {@code ".bn1"}, ...
     *
     * @return the name of the branch's last batch norm, whose output has {@code planes * expansion()} channels
     */
    String addBranch(GraphBuilder graph, String prefix, String input, int planes, int stride);
}
