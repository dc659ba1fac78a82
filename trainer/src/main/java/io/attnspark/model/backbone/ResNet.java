package io.attnspark.model.backbone;

import io.attnspark.model.AttentionPosition;
import io.attnspark.model.PlacedAttention;
import io.attnspark.model.Placement;
import io.attnspark.model.attention.AttentionModule;
import io.attnspark.model.attention.AttentionRegistry;
import io.attnspark.model.attention.ConvReplacement;
import java.util.List;
import java.util.Optional;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration.GraphBuilder;
import org.deeplearning4j.nn.conf.graph.ElementWiseVertex;
import org.deeplearning4j.nn.conf.layers.GlobalPoolingLayer;
import org.deeplearning4j.nn.conf.layers.PoolingType;

/**
 * ResNet and ResNeXt as torchvision 0.14 defines them (v1.5: the stride of a bottleneck is on its 3x3 conv).
 *
 * <p>Vertex names are torchvision's module names: {@code conv1}, {@code bn1}, {@code maxpool},
 * {@code layer<s>.<b>.conv<k>}, {@code layer<s>.<b>.bn<k>}, {@code layer<s>.<b>.downsample.0} (1x1 conv) and
 * {@code .downsample.1} (BN), {@code avgpool}, {@code fc}. A ReLU that follows a batch norm is fused into it
 * ({@link io.attnspark.model.layer.BatchNorm2d}), so {@code bn1} and the inner {@code bn<k>} output after their ReLU;
 * the block output, the ReLU of the residual sum, is {@code layer<s>.<b>.relu} (one vertex; with attention after the
 * add, the sum is {@code layer<s>.<b>.add} and the ReLU follows the attention). The attention's {@link Placement}
 * chooses where attention goes ({@link #defaultPlacement} gives the papers' choice): in blocks its vertices start with
 * {@code layer<s>.<b>.attn}; after a stage ({@code stage}) with {@code layer<s>.attn}; at position {@code conv} a
 * {@link ConvReplacement} (SK, ...) takes the place of the strided 3x3 conv of every block of the chosen stages,
 * {@code conv2} of a bottleneck, {@code conv1} of a basic block, and its vertices start with that conv's name.
 */
public final class ResNet implements Backbone {

    public static final ResNet RESNET18 = new ResNet("resnet18", new BasicBlock(), List.of(2, 2, 2, 2));
    public static final ResNet RESNET34 = new ResNet("resnet34", new BasicBlock(), List.of(3, 4, 6, 3));
    public static final ResNet RESNET50 = new ResNet("resnet50", Bottleneck.RESNET, List.of(3, 4, 6, 3));
    public static final ResNet RESNET101 = new ResNet("resnet101", Bottleneck.RESNET, List.of(3, 4, 23, 3));
    /** torchvision's {@code resnext50_32x4d}: bottlenecks whose 3x3 conv has 32 groups of 4 x planes/64 channels. */
    public static final ResNet RESNEXT50_32X4D = new ResNet("resnext50_32x4d", new Bottleneck(32, 4), List.of(3, 4, 6, 3));

    /** Stage widths ({@code planes}) of the published network, before the width multiplier. */
    private static final List<Integer> STAGE_PLANES = List.of(64, 128, 256, 512);
    private static final int STEM_CHANNELS = 64;

    private final String name;
    private final ResidualBlock block;
    private final List<Integer> depths;

    private ResNet(String name, ResidualBlock block, List<Integer> depths) {
        this.name = name;
        this.block = block;
        this.depths = depths;
    }

    @Override
    public String name() {
        return name;
    }

    /** Blocks per stage, e.g. [3, 4, 6, 3] for resnet50. */
    public List<Integer> depths() {
        return depths;
    }

    /** The ImageNet stem divides the side by 4, then stages 2 to 4 by 2 each; the small stem keeps the side. */
    @Override
    public int minImageSize(boolean smallStem) {
        return smallStem ? 8 : 32;
    }

    /**
     * The name of the vertex that outputs stage {@code stage} (1-based), i.e. torchvision's {@code layer<stage>},
     * without attention at the {@code post} position (which then follows this vertex).
     */
    public String stageOutput(int stage) {
        return blockName(stage, depths.get(stage - 1) - 1) + ".relu";
    }

    /** The papers' placements ({@link AttentionModule#placementRole}) in a ResNet's blocks and stages. */
    @Override
    public Placement defaultPlacement(AttentionModule module) {
        int last = depths.size();
        return switch (module.placementRole()) {
            case EVERY_BLOCK -> Placement.STANDARD;
            case AFTER_ADD_PAST_FIRST_STAGE -> new Placement(AttentionPosition.AFTER_ADD, stages(2, last));
            case STAGE_ENDS -> new Placement(AttentionPosition.STAGE, stages(1, last - 1));
            case CONV_EVERY_BLOCK -> new Placement(AttentionPosition.CONV, stages(1, last));
            case CONV_LAST_STAGE -> new Placement(AttentionPosition.CONV, stages(last, last));
        };
    }

    private static SortedSet<Integer> stages(int first, int last) {
        return IntStream.rangeClosed(first, last).boxed().collect(Collectors.toCollection(TreeSet::new));
    }

    /** @throws IllegalArgumentException for position conv with a module that does not replace a convolution */
    @Override
    public void checkPlacement(PlacedAttention attention) {
        if (attention.hasAttention() && attention.position() == AttentionPosition.CONV
                && !(attention.module() instanceof ConvReplacement)) {
            throw new IllegalArgumentException(attention.module().name() + " does not replace a convolution, so it cannot"
                    + " take position conv; modules that do: " + String.join(", ", AttentionRegistry.convReplacementNames()));
        }
    }

    @Override
    public String addLogits(GraphBuilder graph, String input, double width, boolean smallStem, int numClasses,
                            PlacedAttention placed) {
        AttentionPosition position = placed.position();
        AttentionModule attention = placed.module();
        int channels = scaled(STEM_CHANNELS, width);
        String x = addStem(graph, input, channels, smallStem);
        for (int stage = 1; stage <= depths.size(); stage++) {
            int planes = scaled(STAGE_PLANES.get(stage - 1), width);
            boolean attends = placed.attends(stage);
            Optional<AttentionModule> addOn = attends && position.perBlockAddOn() ? Optional.of(attention) : Optional.empty();
            Optional<ConvReplacement> replacement = attends && position == AttentionPosition.CONV
                    ? Optional.of((ConvReplacement) attention) : Optional.empty();
            for (int index = 0; index < depths.get(stage - 1); index++) {
                int stride = stage > 1 && index == 0 ? 2 : 1;
                x = addBlock(graph, blockName(stage, index), x, channels, planes, stride, addOn, replacement, position);
                channels = planes * block.expansion();
            }
            if (attends && position == AttentionPosition.STAGE) {
                x = attention.attach(graph, stageAttentionPrefix(stage), x, channels);
            }
        }
        graph.addLayer("avgpool", new GlobalPoolingLayer.Builder(PoolingType.AVG).build(), x);
        graph.addLayer("fc", TorchLayers.linear(numClasses), "avgpool");
        return "fc";
    }

    /** The vertex prefix (and torch path) of a module at position {@code stage} after stage {@code stage}, e.g. {@code layer2.attn}. */
    public static String stageAttentionPrefix(int stage) {
        return "layer" + stage + ".attn";
    }

    /** ImageNet: 7x7/2 conv, BN, ReLU, 3x3/2 max-pool. Small images (CIFAR-style): 3x3/1 conv, BN, ReLU. */
    private static String addStem(GraphBuilder graph, String input, int channels, boolean smallStem) {
        graph.addLayer("conv1", smallStem ? TorchLayers.stemConv(channels, 3, 1, 1) : TorchLayers.stemConv(channels, 7, 2, 3), input);
        graph.addLayer("bn1", TorchLayers.batchNormRelu(), "conv1");
        if (smallStem) {
            return "bn1";
        }
        graph.addLayer("maxpool", TorchLayers.maxPool3x3s2(), "bn1");
        return "maxpool";
    }

    /**
     * One block with its add-on module, if any, at {@code position} (the SE paper's integration ablation plus GCNet's):
     * {@code standard} after the branch's last BN, {@code pre} on the branch input (the shortcut keeps the raw
     * input), {@code post} after the add and ReLU, {@code identity} on the shortcut after the downsample,
     * {@code after_add} on the sum before the ReLU; or with {@code replacement} in place of its 3x3 conv.
     *
     * @return the block's output vertex
     */
    private String addBlock(GraphBuilder graph, String prefix, String input, int inChannels, int planes, int stride,
                            Optional<AttentionModule> attention, Optional<ConvReplacement> replacement,
                            AttentionPosition position) {
        int outChannels = planes * block.expansion();
        String attentionPrefix = prefix + ".attn";
        String branchInput = position == AttentionPosition.PRE
                ? attend(graph, attention, attentionPrefix, input, inChannels)
                : input;
        String branch = block.addBranch(graph, prefix, branchInput, inChannels, planes, stride, replacement);
        if (position == AttentionPosition.STANDARD) {
            branch = attend(graph, attention, attentionPrefix, branch, outChannels);
        }
        String shortcut = stride != 1 || inChannels != outChannels
                ? addDownsample(graph, prefix, input, outChannels, stride)
                : input;
        if (position == AttentionPosition.IDENTITY) {
            shortcut = attend(graph, attention, attentionPrefix, shortcut, outChannels);
        }
        if (position == AttentionPosition.AFTER_ADD && attention.isPresent()) {
            graph.addVertex(prefix + ".add", new ElementWiseVertex(ElementWiseVertex.Op.Add), branch, shortcut);
            String sum = attend(graph, attention, attentionPrefix, prefix + ".add", outChannels);
            graph.addVertex(prefix + ".relu", TorchLayers.relu(), sum);
        } else {
            graph.addVertex(prefix + ".relu", TorchLayers.addRelu(), branch, shortcut);
        }
        return position == AttentionPosition.POST
                ? attend(graph, attention, attentionPrefix, prefix + ".relu", outChannels)
                : prefix + ".relu";
    }

    private static String attend(GraphBuilder graph, Optional<AttentionModule> attention, String prefix, String input,
                                 int channels) {
        return attention.map(module -> module.attach(graph, prefix, input, channels)).orElse(input);
    }

    private static String addDownsample(GraphBuilder graph, String prefix, String input, int outChannels, int stride) {
        graph.addLayer(prefix + ".downsample.0", TorchLayers.conv(outChannels, 1, stride, 0), input);
        graph.addLayer(prefix + ".downsample.1", TorchLayers.batchNorm(), prefix + ".downsample.0");
        return prefix + ".downsample.1";
    }

    private static String blockName(int stage, int index) {
        return "layer" + stage + "." + index;
    }

    /** A published channel count times the width multiplier, rounded, at least 1. */
    static int scaled(int channels, double width) {
        return Math.max(1, (int) Math.round(channels * width));
    }

    @Override
    public String toString() {
        return name;
    }
}
