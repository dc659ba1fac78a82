package io.attnspark.model.backbone;

import org.deeplearning4j.nn.conf.ComputationGraphConfiguration.GraphBuilder;

/** torchvision's {@code Bottleneck} (ResNet v1.5, stride on the 3x3 conv): 1x1, BN, ReLU, 3x3 /s, BN, ReLU, 1x1 x4, BN. */
record Bottleneck() implements ResidualBlock {

    @Override
    public int expansion() {
        return 4;
    }

    @Override
    public String addBranch(GraphBuilder graph, String prefix, String input, int planes, int stride) {
        graph.addLayer(prefix + ".conv1", TorchLayers.conv(planes, 1, 1, 0), input);
        graph.addLayer(prefix + ".bn1", TorchLayers.batchNorm(), prefix + ".conv1");
        graph.addLayer(prefix + ".relu1", TorchLayers.relu(), prefix + ".bn1");
        graph.addLayer(prefix + ".conv2", TorchLayers.conv(planes, 3, stride, 1), prefix + ".relu1");
        graph.addLayer(prefix + ".bn2", TorchLayers.batchNorm(), prefix + ".conv2");
        graph.addLayer(prefix + ".relu2", TorchLayers.relu(), prefix + ".bn2");
        graph.addLayer(prefix + ".conv3", TorchLayers.conv(planes * expansion(), 1, 1, 0), prefix + ".relu2");
        graph.addLayer(prefix + ".bn3", TorchLayers.batchNorm(), prefix + ".conv3");
        return prefix + ".bn3";
    }
}
