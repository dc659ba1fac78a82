package io.attnspark.model.backbone;

import io.attnspark.model.attention.ConvReplacement;
import java.util.Optional;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration.GraphBuilder;

/**
 * torchvision's {@code BasicBlock}: 3x3 conv (stride s), BN, ReLU, 3x3 conv, BN. A {@link ConvReplacement} takes the
 * place of the first, strided conv ({@code conv1}), as timm's {@code SelectiveKernelBasic} does.
 */
record BasicBlock() implements ResidualBlock {

    @Override
    public int expansion() {
        return 1;
    }

    @Override
    public String addBranch(GraphBuilder graph, String prefix, String input, int inChannels, int planes, int stride,
                            Optional<ConvReplacement> replacement) {
        String first = replacedConv(prefix);
        if (replacement.isPresent()) {
            first = replacement.get().attach(graph, first, input, inChannels, planes, stride);
        } else {
            graph.addLayer(first, TorchLayers.conv(planes, 3, stride, 1), input);
        }
        if (replacement.isEmpty() || !replacement.get().normalizesAndActivates()) {
            graph.addLayer(prefix + ".bn1", TorchLayers.batchNormRelu(), first);
            first = prefix + ".bn1";
        }
        graph.addLayer(prefix + ".conv2", TorchLayers.conv(planes, 3, 1, 1), first);
        graph.addLayer(prefix + ".bn2", TorchLayers.batchNorm(), prefix + ".conv2");
        return prefix + ".bn2";
    }

    @Override
    public String replacedConv(String prefix) {
        return prefix + ".conv1";
    }
}
