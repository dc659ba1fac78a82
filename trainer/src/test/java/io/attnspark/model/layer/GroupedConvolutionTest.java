package io.attnspark.model.layer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.CnnLossLayer;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.deeplearning4j.nn.weights.WeightInit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.NoOp;
import org.nd4j.linalg.lossfunctions.LossFunctions.LossFunction;

/** {@link GroupedConvolution} against torch.nn.Conv2d(groups=G, dilation, bias), finite differences, JSON and clone. */
class GroupedConvolutionTest {

    private static ComputationGraph network(Layer conv, long[] inputShape, DataType dataType) {
        // a fixed seed: DL4J's default is the clock, which made the weights, and so the gradient check, differ per run
        ComputationGraphConfiguration configuration = new NeuralNetConfiguration.Builder()
                .dataType(dataType)
                .seed(1)
                .updater(new NoOp())
                .weightInit(WeightInit.XAVIER)
                .graphBuilder()
                .addInputs("input")
                .setInputTypes(InputType.convolutional(inputShape[2], inputShape[3], inputShape[1]))
                .addLayer("conv", conv, "input")
                .addLayer("loss", new CnnLossLayer.Builder(LossFunction.MSE).activation(Activation.IDENTITY).build(), "conv")
                .setOutputs("loss")
                .build();
        var net = new ComputationGraph(configuration);
        net.init();
        return net;
    }

    /** input → identity-sized 1x1 conv "stem" → conv → MSE loss */
    private static ComputationGraph networkBehindStem(Layer conv, long[] inputShape, DataType dataType) {
        long channels = inputShape[1];
        var net = new ComputationGraph(new NeuralNetConfiguration.Builder().dataType(dataType).seed(1).updater(new NoOp())
                .graphBuilder().addInputs("input")
                .setInputTypes(InputType.convolutional(inputShape[2], inputShape[3], channels))
                .addLayer("stem", new ConvolutionLayer.Builder(1, 1).nIn(channels).nOut(channels).hasBias(true)
                        .activation(Activation.IDENTITY).build(), "input")
                .addLayer("conv", conv, "stem")
                .addLayer("loss", new CnnLossLayer.Builder(LossFunction.MSE).activation(Activation.IDENTITY).build(), "conv")
                .setOutputs("loss").build());
        net.init();
        return net;
    }

    /** From a fixture's config [in, out, k, stride, padding, groups, dilation, bias]. */
    private static GroupedConvolution conv(int[] config) {
        return new GroupedConvolution.Builder().nOut(config[1]).kernel(config[2]).stride(config[3]).padding(config[4])
                .groups(config[5]).dilation(config[6]).hasBias(config[7] == 1).build();
    }

    /** The fixture's conv in a float network, with torch's weight and bias. */
    private static ComputationGraph floatNetworkWithTorchsParameters(Map<String, INDArray> fixture) {
        int[] config = fixture.get("config").toIntVector();
        ComputationGraph net = network(conv(config), fixture.get("input").shape(), DataType.FLOAT);
        net.getLayer("conv").setParam(GroupedConvolution.WEIGHT_KEY, fixture.get("weight"));
        if (fixture.containsKey("bias")) {
            net.getLayer("conv").setParam(GroupedConvolution.BIAS_KEY, fixture.get("bias").reshape(1, config[1]));
        }
        return net;
    }

    private static Map<String, INDArray> fixture(String name) {
        return LayerFixtures.load("grouped_conv_" + name);
    }

    @ParameterizedTest
    @ValueSource(strings = {"g4_k3_s2", "g2_k1_s1", "g4_k3_s2_d2", "g2_k3_s1_d3", "g2_k1_s1_bias", "g1_k1_to1_bias",
            "dw_k3_s2", "g32_k3_s1", "g8_k3_s1_d2_bias"})
    void outputEqualsTorchConv2dWithGroups(String name) {
        Map<String, INDArray> fixture = fixture(name);
        int[] config = fixture.get("config").toIntVector();
        ComputationGraph net = floatNetworkWithTorchsParameters(fixture);

        INDArray output = net.outputSingle(fixture.get("input"));

        long biases = config[7] == 1 ? config[1] : 0;
        assertEquals(config[0] * config[1] / config[5] * config[2] * config[2] + biases, net.numParams());
        assertArrayEqualsWithin(fixture.get("output"), output, 1e-5);
    }

    /** The float path (oneDNN on CPU): autograd's gradients of the input, weight and bias for torch's output gradient. */
    @ParameterizedTest
    @ValueSource(strings = {"g4_k3_s2", "g2_k1_s1", "g4_k3_s2_d2", "g2_k3_s1_d3", "g2_k1_s1_bias", "g1_k1_to1_bias",
            "dw_k3_s2", "g32_k3_s1", "g8_k3_s1_d2_bias"})
    void gradientsEqualTorchsInFloat(String name) {
        Map<String, INDArray> fixture = fixture(name);
        int[] config = fixture.get("config").toIntVector();
        ComputationGraph net = floatNetworkWithTorchsParameters(fixture);
        net.initGradientsView();
        var layer = net.getLayer("conv");
        LayerWorkspaceMgr noWorkspaces = LayerWorkspaceMgr.noWorkspaces();
        layer.setInput(fixture.get("input"), noWorkspaces);
        layer.activate(true, noWorkspaces);

        Pair<Gradient, INDArray> gradients = layer.backpropGradient(fixture.get("output_gradient"), noWorkspaces);

        assertCloseRelative(fixture.get("input_gradient"), gradients.getSecond());
        assertCloseRelative(fixture.get("weight_gradient"), gradients.getFirst().getGradientFor(GroupedConvolution.WEIGHT_KEY));
        if (fixture.containsKey("bias")) {
            assertCloseRelative(fixture.get("bias_gradient").reshape(1, config[1]),
                    gradients.getFirst().getGradientFor(GroupedConvolution.BIAS_KEY));
        }
    }

    /**
     * Behind an identity 1x1 conv, so the grouped conv's parameters are a view at an offset into the network's
     * parameters (where ND4J's get(interval) on a view's first axis once returned an empty array).
     */
    @ParameterizedTest
    @ValueSource(strings = {"g4_k3_s2", "g2_k1_s1_bias", "g1_k1_to1_bias"})
    void outputEqualsTorchBehindAnotherLayer(String name) {
        Map<String, INDArray> fixture = fixture(name);
        int[] config = fixture.get("config").toIntVector();
        INDArray input = fixture.get("input");
        long channels = input.size(1);
        ComputationGraph net = networkBehindStem(conv(config), input.shape(), DataType.FLOAT);
        net.getLayer("stem").setParam("W", Nd4j.eye(channels).castTo(DataType.FLOAT).reshape(channels, channels, 1, 1));
        net.getLayer("stem").setParam("b", Nd4j.zeros(DataType.FLOAT, 1, channels));
        net.getLayer("conv").setParam(GroupedConvolution.WEIGHT_KEY, fixture.get("weight"));
        if (fixture.containsKey("bias")) {
            net.getLayer("conv").setParam(GroupedConvolution.BIAS_KEY, fixture.get("bias").reshape(1, config[1]));
        }

        assertArrayEqualsWithin(fixture.get("output"), net.outputSingle(input), 1e-5);
    }

    /**
     * [in, out, k, stride, padding, groups, dilation, bias(, behind a stem)], in double precision: im2col strided and
     * with a bias, also at an offset into the network's parameters and gradients, then dilated, then the 1x1
     * projection to one channel (block-diagonal products) with and without a bias, also behind a stem.
     */
    @ParameterizedTest
    @ValueSource(strings = {"4,6,3,2,1,2,1,0", "4,6,3,1,1,2,1,1", "4,6,3,1,1,2,1,1,1", "4,6,3,2,2,2,2,1",
            "4,1,1,1,0,1,1,1", "4,1,1,1,0,1,1,0", "4,1,1,1,0,1,1,1,1"})
    void gradientsMatchFiniteDifferences(String configuration) {
        int[] config = java.util.Arrays.stream(configuration.split(",")).mapToInt(Integer::parseInt).toArray();
        long[] shape = {2, 4, 5, 5};
        GradientChecks.assertPass(() -> {
            boolean behindStem = config.length > 8 && config[8] == 1;
            ComputationGraph net = behindStem ? networkBehindStem(conv(config), shape, DataType.DOUBLE)
                    : network(conv(config), shape, DataType.DOUBLE);
            Nd4j.getRandom().setSeed(5);
            // non-zero biases, so that a bias gradient taken from the wrong axis shows
            net.params().addi(Nd4j.rand(DataType.DOUBLE, net.params().shape()).subi(0.5));
            INDArray input = Nd4j.randn(DataType.DOUBLE, shape);
            return GradientChecks.of(net, input, Nd4j.randn(DataType.DOUBLE, net.outputSingle(input).shape()));
        });
    }

    @ParameterizedTest
    @ValueSource(strings = {"g4_k3_s2_d2", "g2_k1_s1_bias", "g1_k1_to1_bias"})
    void jsonRoundTripAndCloneKeepConfigurationAndOutput(String name) {
        Map<String, INDArray> fixture = fixture(name);
        INDArray input = fixture.get("input");
        ComputationGraph net = network(conv(fixture.get("config").toIntVector()), input.shape(), DataType.FLOAT);

        ComputationGraphConfiguration restored = ComputationGraphConfiguration.fromJson(net.getConfiguration().toJson());
        var copy = new ComputationGraph(restored);
        copy.init(net.params().dup(), false);

        assertEquals(net.getConfiguration(), restored);
        assertEquals(net.outputSingle(input), copy.outputSingle(input));
        assertEquals(net.outputSingle(input), net.clone().outputSingle(input));
    }

    /**
     * The 1x1 projection to one channel works on chunks of 8 examples; over a batch of 11 (two chunks), behind an
     * identity stem, its output and all gradients (the stem's show the input gradient) equal those of DL4J's native
     * 1x1 convolution with the same parameters.
     */
    @Test
    void projectionToOneChannelEqualsTheNativeConvolutionAcrossBatchChunks() {
        long[] shape = {11, 5, 4, 3};
        ComputationGraph projection = networkBehindStem(new GroupedConvolution.Builder().kernel(1).nOut(1).hasBias(true)
                .build(), shape, DataType.DOUBLE);
        ComputationGraph convolution = networkBehindStem(new ConvolutionLayer.Builder(1, 1).nOut(1).hasBias(true)
                .activation(Activation.IDENTITY).build(), shape, DataType.DOUBLE);
        Nd4j.getRandom().setSeed(3);
        // set by name: DL4J's convolution keeps its bias before its weight in the flat parameters, ours after
        Map<String, INDArray> params = Map.of("stem_W", Nd4j.randn(DataType.DOUBLE, shape[1], shape[1], 1, 1),
                "stem_b", Nd4j.randn(DataType.DOUBLE, 1, shape[1]), "conv_W", Nd4j.randn(DataType.DOUBLE, 1, shape[1], 1, 1),
                "conv_b", Nd4j.randn(DataType.DOUBLE, 1, 1));
        INDArray input = Nd4j.randn(DataType.DOUBLE, shape);
        INDArray labels = Nd4j.randn(DataType.DOUBLE, shape[0], 1, shape[2], shape[3]);
        for (ComputationGraph net : List.of(projection, convolution)) {
            params.forEach(net::setParam);
            net.setInputs(input);
            net.setLabels(labels);
            net.computeGradientAndScore();
        }

        assertArrayEqualsWithin(convolution.outputSingle(input), projection.outputSingle(input), 1e-12);
        for (String key : List.of("stem_W", "stem_b", "conv_W", "conv_b")) {
            INDArray expected = convolution.gradient().getGradientFor(key);
            assertArrayEqualsWithin(expected, projection.gradient().getGradientFor(key).reshape(expected.shape()), 1e-12);
        }
    }

    @Test
    void channelsThatAreNotAMultipleOfGroupsAreRejected() {
        var error = assertThrows(IllegalArgumentException.class,
                () -> new GroupedConvolution.Builder().nOut(10).groups(4).build());

        assertTrue(error.getMessage().contains("multiple of groups"), error.getMessage());
    }

    /** Float rounding of sums of up to a few hundred terms: 1e-5 of the largest value. */
    private static void assertCloseRelative(INDArray expected, INDArray actual) {
        assertArrayEqualsWithin(expected, actual, 1e-5 * Math.max(1, expected.amaxNumber().doubleValue()));
    }

    private static void assertArrayEqualsWithin(INDArray expected, INDArray actual, double tolerance) {
        assertEquals(java.util.Arrays.toString(expected.shape()), java.util.Arrays.toString(actual.shape()));
        double error = expected.castTo(DataType.DOUBLE).sub(actual.castTo(DataType.DOUBLE)).amaxNumber().doubleValue();
        assertTrue(error <= tolerance, "max abs error " + error + " > " + tolerance);
    }
}
