package io.attnspark.model.backbone;

import io.attnspark.model.AttentionPosition;
import io.attnspark.model.PlacedAttention;
import io.attnspark.model.Placement;
import io.attnspark.model.attention.AttentionModule;
import java.util.List;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration.GraphBuilder;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.distribution.NormalDistribution;
import org.deeplearning4j.nn.conf.dropout.Dropout;
import org.deeplearning4j.nn.conf.graph.ElementWiseVertex;
import org.deeplearning4j.nn.conf.layers.ActivationLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.DepthwiseConvolution2D;
import org.deeplearning4j.nn.conf.layers.GlobalPoolingLayer;
import org.deeplearning4j.nn.conf.layers.PoolingType;
import org.nd4j.linalg.activations.Activation;

/**
 * MobileNetV2 as torchvision 0.14 defines it ({@code mobilenet_v2}), with torchvision's module names:
 * {@code features.0.0} (3x3/2 conv), {@code features.0.1} (BN), {@code features.0.2} (ReLU6); inverted residual
 * {@code features.<i>} ({@code i} = 1..17) with {@code conv.0} the 1x1 expansion (absent when the expand ratio is 1),
 * then the depthwise 3x3 ({@code conv.<j>.0}, {@code .1}, ReLU6 {@code .2}), the 1x1 projection {@code conv.<j+1>}
 * and its BN {@code conv.<j+2>}; {@code features.<i>.add} when the block is residual; {@code features.18.0/1/2}
 * (1x1 to 1280, BN, ReLU6); {@code avgpool}; {@code classifier.1} (dropout 0.2 on its input, then the linear layer).
 *
 * <p>Attention goes after the depthwise conv (after its BN and ReLU6) of every inverted residual block, on the
 * expanded channels, as timm's MobileNetV2 and the ECA paper place it; its vertices start with {@code features.<i>.attn}.
 * The small stem (for 32 px inputs) makes the first conv stride 1.
 */
public final class MobileNetV2 implements Backbone {

    public static final MobileNetV2 MOBILENET_V2 = new MobileNetV2();

    /** torchvision's inverted residual setting: expand ratio t, output channels c, repeats n, first stride s. */
    private record Stage(int expandRatio, int channels, int repeats, int stride) { }

    private static final List<Stage> STAGES = List.of(
            new Stage(1, 16, 1, 1), new Stage(6, 24, 2, 2), new Stage(6, 32, 3, 2), new Stage(6, 64, 4, 2),
            new Stage(6, 96, 3, 1), new Stage(6, 160, 3, 2), new Stage(6, 320, 1, 1));
    private static final int STEM_CHANNELS = 32;
    private static final int LAST_CHANNELS = 1280;
    private static final int ROUND_TO = 8;
    private static final double CLASSIFIER_DROPOUT = 0.2;

    private MobileNetV2() { }

    @Override
    public String name() {
        return "mobilenet_v2";
    }

    /** Five stride-2 convs with the ImageNet stem, four with the small one. */
    @Override
    public int minImageSize(boolean smallStem) {
        return smallStem ? 16 : 32;
    }

    /** The number of inverted residual blocks, {@code features.1} to {@code features.17}. */
    public int blockCount() {
        return STAGES.stream().mapToInt(Stage::repeats).sum();
    }

    /**
     * Add-on modules after every depthwise conv: the place the SE/ECA papers use in MobileNetV2.
     *
     * @throws IllegalArgumentException for a module that replaces a 3x3 conv: MobileNetV2's are depthwise
     */
    @Override
    public Placement defaultPlacement(AttentionModule module) {
        if (module.placementRole().replacesConv()) {
            throw new IllegalArgumentException(name() + " has no dense 3x3 conv for " + module.name() + " to replace"
                    + " (its 3x3 convs are depthwise); use a ResNet, or position standard to add " + module.name()
                    + " after every depthwise conv in its shape-keeping form");
        }
        return Placement.STANDARD;
    }

    /**
     * @throws IllegalArgumentException for a non-standard position or a subset of stages, which only residual-stage
     *                                  backbones (ResNets) define
     */
    @Override
    public void checkPlacement(PlacedAttention attention) {
        Placement placement = attention.placement();
        if (placement.position() != AttentionPosition.STANDARD || !placement.stages().equals(Placement.ALL_STAGES)) {
            throw new IllegalArgumentException(name() + " places attention after every depthwise conv only (no module replaces its"
                    + " convs); use position standard and all stages, got position " + placement.position().configName()
                    + " and stages " + placement.stages());
        }
    }

    @Override
    public String addLogits(GraphBuilder graph, String input, double width, boolean smallStem, int numClasses,
                            PlacedAttention placed) {
        AttentionModule attention = placed.module();
        int channels = makeDivisible(STEM_CHANNELS * width);
        String x = addConvBnReLU6(graph, "features.0", input, TorchLayers.stemConv(channels, 3, smallStem ? 1 : 2, 1));
        int index = 1;
        for (Stage stage : STAGES) {
            int outChannels = makeDivisible(stage.channels() * width);
            for (int repeat = 0; repeat < stage.repeats(); repeat++) {
                int stride = repeat == 0 ? stage.stride() : 1;
                x = addInvertedResidual(graph, "features." + index, x, channels, outChannels, stride,
                        stage.expandRatio(), attention);
                channels = outChannels;
                index++;
            }
        }
        int lastChannels = makeDivisible(LAST_CHANNELS * Math.max(1.0, width));
        x = addConvBnReLU6(graph, "features." + index, x, TorchLayers.conv(lastChannels, 1, 1, 0));
        graph.addLayer("avgpool", new GlobalPoolingLayer.Builder(PoolingType.AVG).build(), x);
        graph.addLayer("classifier.1", classifier(numClasses), "avgpool");
        return "classifier.1";
    }

    private static String addInvertedResidual(GraphBuilder graph, String prefix, String input, int inChannels,
                                              int outChannels, int stride, int expandRatio, AttentionModule attention) {
        int hidden = (int) Math.round((double) inChannels * expandRatio);
        String x = input;
        int part = 0;
        if (expandRatio != 1) {
            x = addConvBnReLU6(graph, prefix + ".conv." + part++, x, TorchLayers.conv(hidden, 1, 1, 0));
        }
        x = addConvBnReLU6(graph, prefix + ".conv." + part++, x, depthwise(hidden, stride));
        x = attention.attach(graph, prefix + ".attn", x, hidden);
        graph.addLayer(prefix + ".conv." + part, TorchLayers.conv(outChannels, 1, 1, 0), x);
        graph.addLayer(prefix + ".conv." + (part + 1), TorchLayers.batchNorm(), prefix + ".conv." + part);
        String projected = prefix + ".conv." + (part + 1);
        if (stride == 1 && inChannels == outChannels) {
            graph.addVertex(prefix + ".add", new ElementWiseVertex(ElementWiseVertex.Op.Add), projected, input);
            return prefix + ".add";
        }
        return projected;
    }

    /** torchvision's {@code Conv2dNormActivation}: {@code <prefix>.0} conv, {@code .1} BN, {@code .2} ReLU6. */
    private static String addConvBnReLU6(GraphBuilder graph, String prefix, String input,
                                         org.deeplearning4j.nn.conf.layers.Layer conv) {
        graph.addLayer(prefix + ".0", conv, input);
        graph.addLayer(prefix + ".1", TorchLayers.batchNorm(), prefix + ".0");
        graph.addLayer(prefix + ".2", new ActivationLayer.Builder().activation(Activation.RELU6).build(), prefix + ".1");
        return prefix + ".2";
    }

    /**
     * {@code nn.Conv2d(c, c, 3, stride, 1, groups=c, bias=False)} with kaiming normal (fan_out): torch's fan-out of
     * the [c, 1, 3, 3] weight is {@code c * 9}.
     */
    private static DepthwiseConvolution2D depthwise(int channels, int stride) {
        return new DepthwiseConvolution2D.Builder(3, 3)
                .stride(stride, stride)
                .padding(1, 1)
                .convolutionMode(ConvolutionMode.Truncate)
                .depthMultiplier(1)
                .nOut(channels)
                .hasBias(false)
                .activation(Activation.IDENTITY)
                .weightInit(new NormalDistribution(0.0, Math.sqrt(2.0 / (channels * 9.0))))
                .build();
    }

    /** Dropout(0.2) then Linear, initialized N(0, 0.01) with zero bias as torchvision does. DL4J takes the keep probability. */
    private static DenseLayer classifier(int numClasses) {
        return new DenseLayer.Builder()
                .nOut(numClasses)
                .hasBias(true)
                .activation(Activation.IDENTITY)
                .dropOut(new Dropout(1.0 - CLASSIFIER_DROPOUT))
                .weightInit(new NormalDistribution(0.0, 0.01))
                .biasInit(0.0)
                .build();
    }

    /** torchvision's {@code _make_divisible(v, 8)}: nearest multiple of 8, at least 8, never more than 10% below v. */
    static int makeDivisible(double value) {
        int rounded = Math.max(ROUND_TO, (int) (value + ROUND_TO / 2.0) / ROUND_TO * ROUND_TO);
        return rounded < 0.9 * value ? rounded + ROUND_TO : rounded;
    }

    @Override
    public String toString() {
        return name();
    }
}
