package io.attnspark.model.layer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.stream.Stream;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.WorkspaceMode;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.CnnLossLayer;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.lossfunctions.LossFunctions.LossFunction;

/**
 * {@link KernelMixtureConvolutionLayer}'s float path (one oneDNN convolution with the examples as groups) against its
 * double path (im2col and batched products, which the gradient checks of CondConv and DynamicConv verify): the same
 * output, input gradient and parameter gradients from the same parameters, to float rounding.
 */
class KernelMixtureConvolutionPathsTest {

    private static final double TOLERANCE = 2e-5;

    record Case(String name, long[] input, int outChannels, int stride, boolean expertBias, int hiddenWidth,
                KernelMixtureConvolution.Gate gate) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Case> cases() {
        return Stream.of(
                new Case("condconv", new long[] {3, 8, 9, 9}, 12, 1, false, 0, KernelMixtureConvolution.Gate.SIGMOID),
                new Case("condconv stride 2 bias", new long[] {2, 6, 10, 10}, 8, 2, true, 0, KernelMixtureConvolution.Gate.SIGMOID),
                new Case("dynconv", new long[] {4, 8, 7, 7}, 8, 1, true, 4, KernelMixtureConvolution.Gate.SOFTMAX));
    }

    @ParameterizedTest
    @MethodSource("cases")
    void floatPathComputesWhatTheDoublePathComputes(Case c) {
        MultiLayerNetwork floats = network(c, DataType.FLOAT);
        MultiLayerNetwork doubles = network(c, DataType.DOUBLE);
        doubles.setParams(floats.params().castTo(DataType.DOUBLE));
        Nd4j.getRandom().setSeed(5);
        INDArray input = Nd4j.randn(DataType.DOUBLE, c.input());
        INDArray expectedOutput = doubles.output(input);
        INDArray labels = Nd4j.randn(DataType.DOUBLE, expectedOutput.shape());

        assertClose(expectedOutput, floats.output(input.castTo(DataType.FLOAT)), "output");
        Pair<Gradient, INDArray> expected = doubles.calculateGradients(input, labels, null, null);
        Pair<Gradient, INDArray> actual = floats.calculateGradients(input.castTo(DataType.FLOAT),
                labels.castTo(DataType.FLOAT), null, null);
        assertClose(expected.getSecond(), actual.getSecond(), "input gradient");
        for (String key : expected.getFirst().gradientForVariable().keySet()) {
            assertClose(expected.getFirst().getGradientFor(key), actual.getFirst().getGradientFor(key), key);
        }
        assertEquals(expected.getFirst().gradientForVariable().keySet(), actual.getFirst().gradientForVariable().keySet());
    }

    private static void assertClose(INDArray expected, INDArray actual, String what) {
        assertEquals(Arrays.toString(expected.shape()), Arrays.toString(actual.shape()), what + " shape");
        double scale = Math.max(1e-3, expected.amaxNumber().doubleValue());
        double difference = expected.sub(actual.castTo(DataType.DOUBLE)).amaxNumber().doubleValue();
        assertTrue(difference <= TOLERANCE * scale, what + ": largest difference " + difference + " at scale " + scale);
    }

    private static MultiLayerNetwork network(Case c, DataType dataType) {
        var net = new MultiLayerNetwork(new NeuralNetConfiguration.Builder()
                .dataType(dataType)
                .seed(13)
                .trainingWorkspaceMode(WorkspaceMode.ENABLED)
                .list()
                .layer(new KernelMixtureConvolution.Builder().kernel(3).padding(1).stride(c.stride()).experts(3)
                        .expertBias(c.expertBias()).hiddenWidth(c.hiddenWidth()).gate(c.gate()).temperature(1.0)
                        .nIn(c.input()[1]).nOut(c.outChannels()).activation(Activation.IDENTITY).build())
                .layer(new CnnLossLayer.Builder(LossFunction.MSE).activation(Activation.IDENTITY).build())
                .setInputType(InputType.convolutional(c.input()[2], c.input()[3], c.input()[1]))
                .build());
        net.init();
        return net;
    }
}
