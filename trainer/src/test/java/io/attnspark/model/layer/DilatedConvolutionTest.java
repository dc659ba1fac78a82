package io.attnspark.model.layer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import java.util.Set;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.CnnLossLayer;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.NoOp;
import org.nd4j.linalg.lossfunctions.LossFunctions.LossFunction;

/**
 * {@link DilatedConvolution} against torch.nn.Conv2d with dilation, forward and backward (input, weight and bias
 * gradients), in float64: the phase rearrangement, the subsample at stride = dilation, and DL4J's own dilated conv
 * for the other strides. Fixtures: trainer/src/test/python/make_dilated_conv_fixtures.py.
 */
class DilatedConvolutionTest {

    private static final double TOLERANCE = 1e-10;
    /** oneDNN sums the taps in float in its own order. */
    private static final double FLOAT_TOLERANCE = 1e-5;

    @ParameterizedTest
    @ValueSource(strings = {"k3_s1_d2_even", "k3_s1_d4_odd", "k3_s1_d3", "k3_s2_d2_odd", "k5_s1_d2", "k3_s2_d3"})
    void equalsTorchForwardAndBackward(String name) {
        assertEqualsTorch(name, DataType.DOUBLE, false, TOLERANCE);
    }

    /** {@link Convolution2d} in float: one dilated conv on oneDNN 2.5, no rearrangement. */
    @ParameterizedTest
    @ValueSource(strings = {"k3_s1_d2_even", "k3_s1_d4_odd", "k3_s1_d3", "k3_s2_d2_odd", "k5_s1_d2", "k3_s2_d3"})
    void convolution2dEqualsTorchThroughOneDnnInFloat(String name) {
        assertEqualsTorch(name, DataType.FLOAT, true, FLOAT_TOLERANCE);
    }

    private static void assertEqualsTorch(String name, DataType dataType, boolean convolution2d, double tolerance) {
        Map<String, INDArray> fixture = fixture(name);
        long[] config = fixture.get("config").toLongVector();
        INDArray input = fixture.get("input").castTo(dataType);
        ComputationGraph net = network(input.shape(), (int) config[1], (int) config[2], (int) config[3], (int) config[4],
                dataType, convolution2d);
        if (convolution2d) {
            assertEquals(Set.of("stem", "conv", "loss"), net.getConfiguration().getVertices().keySet(), "conv as it is");
        }
        net.getLayer("stem").setParam("W", Nd4j.eye(input.size(1)).castTo(dataType)
                .reshape(input.size(1), input.size(1), 1, 1));
        net.getLayer("stem").setParam("b", Nd4j.zeros(dataType, 1, input.size(1)));
        net.getLayer("conv").setParam("W", fixture.get("weight").castTo(dataType));
        net.getLayer("conv").setParam("b", fixture.get("bias").reshape(1, config[1]).castTo(dataType));

        INDArray output = net.outputSingle(input);
        assertClose(fixture.get("output"), output, name + " output", tolerance);

        // LossL2 sums (out - label)^2, so labels out - upstream/2 make d loss / d out the fixture's upstream gradient
        net.setInput(0, input);
        net.setLabel(0, output.sub(fixture.get("upstream").castTo(dataType).div(2)));
        net.computeGradientAndScore();
        var gradient = net.gradient();
        // the identity stem passes the input's gradient on to its own: dL/dS[o,i] = sum over n,h,w of dx[n,o]·x[n,i]
        INDArray inputGradient = fixture.get("grad_input");
        INDArray rows = fixture.get("input").permute(1, 0, 2, 3).reshape('c', input.size(1), -1);
        INDArray gradientRows = inputGradient.permute(1, 0, 2, 3).reshape('c', input.size(1), -1);
        assertClose(gradientRows.mmul(rows.transpose()).reshape(input.size(1), input.size(1), 1, 1),
                gradient.getGradientFor("stem_W"), name + " input gradient, through the stem's weight gradient", tolerance);
        assertClose(gradientRows.sum(1), gradient.getGradientFor("stem_b").reshape(-1),
                name + " input gradient, through the stem's bias gradient", tolerance);
        assertClose(fixture.get("grad_weight"), gradient.getGradientFor("conv_W"), name + " weight gradient", tolerance);
        assertClose(fixture.get("grad_bias"), gradient.getGradientFor("conv_b").reshape(-1), name + " bias gradient",
                tolerance);
    }

    @Test
    void rearrangesOnlyWhereTheStrideAllowsIt() {
        assertTrue(network(new long[] {1, 2, 7, 5}, 3, 3, 1, 2).getConfiguration().getVertices().containsKey("conv_to_batch"));
        assertTrue(network(new long[] {1, 2, 7, 5}, 3, 3, 2, 2).getConfiguration().getVertices().containsKey("conv_subsample"));
        var vertices = network(new long[] {1, 2, 9, 9}, 3, 3, 2, 3).getConfiguration().getVertices().keySet();
        assertFalse(vertices.contains("conv_to_batch") || vertices.contains("conv_subsample"),
                "stride 2 with dilation 3 keeps DL4J's dilated conv: " + vertices);
        assertThrows(IllegalArgumentException.class, () -> network(new long[] {1, 2, 7, 5}, 3, 2, 1, 2));
    }

    @Test
    void configurationSurvivesJsonAndClone() {
        ComputationGraphConfiguration configuration = network(new long[] {2, 3, 7, 9}, 4, 3, 1, 2).getConfiguration();
        assertEquals(configuration, ComputationGraphConfiguration.fromJson(configuration.toJson()));
        assertEquals(configuration, configuration.clone());
        var strided = network(new long[] {2, 3, 7, 9}, 4, 3, 2, 2).getConfiguration();
        assertEquals(strided, ComputationGraphConfiguration.fromJson(strided.toJson()));
    }

    private static ComputationGraph network(long[] inputShape, int outChannels, int kernel, int stride, int dilation) {
        return network(inputShape, outChannels, kernel, stride, dilation, DataType.DOUBLE, false);
    }

    private static ComputationGraph network(long[] inputShape, int outChannels, int kernel, int stride, int dilation,
                                            DataType dataType, boolean convolution2d) {
        var graph = new NeuralNetConfiguration.Builder().dataType(dataType).updater(new NoOp())
                .graphBuilder()
                .addInputs("input")
                .setInputTypes(InputType.convolutional(inputShape[2], inputShape[3], inputShape[1]));
        var conv = (convolution2d ? new Convolution2d.Builder(kernel, kernel) : new ConvolutionLayer.Builder(kernel, kernel))
                .nIn(inputShape[1]).nOut(outChannels).hasBias(true).activation(Activation.IDENTITY);
        graph.addLayer("stem", new ConvolutionLayer.Builder(1, 1).nIn(inputShape[1]).nOut(inputShape[1]).hasBias(true)
                .activation(Activation.IDENTITY).build(), "input");
        String output = DilatedConvolution.add(graph, "conv", "stem", conv, kernel, dilation, stride,
                new long[] {inputShape[2], inputShape[3]});
        graph.addLayer("loss", new CnnLossLayer.Builder(LossFunction.L2).activation(Activation.IDENTITY).build(), output)
                .setOutputs("loss");
        var net = new ComputationGraph(graph.build());
        net.init();
        return net;
    }

    private static void assertClose(INDArray expected, INDArray actual, String what, double tolerance) {
        assertEquals(java.util.Arrays.toString(expected.shape()), java.util.Arrays.toString(actual.shape()), what + " shape");
        INDArray difference = expected.sub(actual.castTo(expected.dataType()));
        double error = difference.norm2Number().doubleValue() / Math.max(1e-30, expected.norm2Number().doubleValue());
        assertTrue(error < tolerance, what + ": relative error " + error);
    }

    private static Map<String, INDArray> fixture(String name) {
        return LayerFixtures.load("dilated_conv_" + name);
    }
}
