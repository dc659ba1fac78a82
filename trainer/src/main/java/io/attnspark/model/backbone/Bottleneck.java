package io.attnspark.model.backbone;

import io.attnspark.model.attention.ConvReplacement;
import io.attnspark.model.layer.GroupedConvolution;
import java.util.Optional;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration.GraphBuilder;

/**
 * torchvision's {@code Bottleneck} (ResNet v1.5, stride on the 3x3 conv): 1x1, BN, ReLU, 3x3 /s, BN, ReLU, 1x1 x4, BN.
 * The inner width is torchvision's {@code int(planes * widthPerGroup / 64) * groups}; with {@code groups > 1} the
 * 3x3 conv is a {@link GroupedConvolution} (ResNeXt). A {@link ConvReplacement} takes the place of the 3x3 conv
 * ({@code conv2}), as in the SK and ResNeSt papers (width to width, with the block's stride).
 *
 * @param groups        cardinality of the 3x3 conv (1 for ResNet, 32 for resnext50_32x4d)
 * @param widthPerGroup torchvision's {@code width_per_group} (64 for ResNet, 4 for resnext50_32x4d)
 */
record Bottleneck(int groups, int widthPerGroup) implements ResidualBlock {

    static final Bottleneck RESNET = new Bottleneck(1, 64);

    @Override
    public int expansion() {
        return 4;
    }

    /** At least one channel per group, so that narrow width multipliers still build. */
    int innerWidth(int planes) {
        return Math.max(1, (int) (planes * (widthPerGroup / 64.0))) * groups;
    }

    @Override
    public String addBranch(GraphBuilder graph, String prefix, String input, int inChannels, int planes, int stride,
                            Optional<ConvReplacement> replacement) {
        int width = innerWidth(planes);
        graph.addLayer(prefix + ".conv1", TorchLayers.conv(width, 1, 1, 0), input);
        graph.addLayer(prefix + ".bn1", TorchLayers.batchNormRelu(), prefix + ".conv1");
        String second = replacement.isPresent()
                ? replacement.get().attach(graph, replacedConv(prefix), prefix + ".bn1", width, width, stride)
                : addConv2(graph, prefix, width, stride);
        if (replacement.isEmpty() || !replacement.get().normalizesAndActivates()) {
            graph.addLayer(prefix + ".bn2", TorchLayers.batchNormRelu(), second);
            second = prefix + ".bn2";
        }
        graph.addLayer(prefix + ".conv3", TorchLayers.conv(planes * expansion(), 1, 1, 0), second);
        graph.addLayer(prefix + ".bn3", TorchLayers.batchNorm(), prefix + ".conv3");
        return prefix + ".bn3";
    }

    private String addConv2(GraphBuilder graph, String prefix, int width, int stride) {
        graph.addLayer(prefix + ".conv2", groups == 1
                ? TorchLayers.conv(width, 3, stride, 1)
                : TorchLayers.groupedConv(width, 3, stride, 1, groups), prefix + ".bn1");
        return prefix + ".conv2";
    }

    @Override
    public String replacedConv(String prefix) {
        return prefix + ".conv2";
    }
}
