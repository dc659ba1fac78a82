package io.attnspark.model.backbone;

import org.deeplearning4j.nn.conf.ComputationGraphConfiguration.GraphBuilder;

/** torchvision's {@code BasicBlock}: 3x3 conv (stride s), BN, ReLU, 3x3 conv, BN. */
record BasicBlock() implements ResidualBlock {

    @Override
    public int expansion() {
        return 1;
    }

    @Override
    public String addBranch(GraphBuilder graph, String prefix, String input, int planes, int stride) {
        graph.addLayer(prefix + ".conv1", TorchLayers.conv(planes, 3, stride, 1), input);
        graph.addLayer(prefix + ".bn1", TorchLayers.batchNorm(), prefix + ".conv1");
        graph.addLayer(prefix + ".relu1", TorchLayers.relu(), prefix + ".bn1");
        graph.addLayer(prefix + ".conv2", TorchLayers.conv(planes, 3, 1, 1), prefix + ".relu1");
        graph.addLayer(prefix + ".bn2", TorchLayers.batchNorm(), prefix + ".conv2");
        return prefix + ".bn2";
    }
}
