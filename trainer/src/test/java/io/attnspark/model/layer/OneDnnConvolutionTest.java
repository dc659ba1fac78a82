package io.attnspark.model.layer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.stream.Stream;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.WorkspaceMode;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.CnnLossLayer;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.layers.mkldnn.MKLDNNConvHelper;
import org.deeplearning4j.nn.weights.WeightInit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.linalg.lossfunctions.LossFunctions.LossFunction;

/**
 * {@link OneDnnConvolution} (oneDNN 2.5) against DL4J's own oneDNN path (libnd4j's conv2d ops), one conv layer at a
 * time: output, the gradient of the input, of the weights and of the bias, at the geometries the backbones and modules
 * use and a few they do not (odd sizes, dilation, Same mode's uneven padding, an input that is a strided view).
 */
class OneDnnConvolutionTest {

    /** Different kernels sum in different orders: float rounding, relative to the largest value. */
    private static final double TOLERANCE = 2e-5;

    record Case(String name, long[] input, int outChannels, int kernel, int stride, int padding, int dilation,
                ConvolutionMode mode, boolean bias, Activation activation, boolean viewInput) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Arguments> cases() {
        return Stream.of(
                new Case("1x1", new long[] {3, 32, 8, 8}, 16, 1, 1, 0, 1, ConvolutionMode.Truncate, false, Activation.IDENTITY, false),
                new Case("1x1 stride 2", new long[] {2, 16, 10, 10}, 32, 1, 2, 0, 1, ConvolutionMode.Truncate, false, Activation.IDENTITY, false),
                new Case("3x3 bias relu", new long[] {2, 16, 9, 9}, 24, 3, 1, 1, 1, ConvolutionMode.Truncate, true, Activation.RELU, false),
                new Case("3x3 stride 2 odd", new long[] {2, 8, 11, 11}, 16, 3, 2, 1, 1, ConvolutionMode.Truncate, false, Activation.IDENTITY, false),
                new Case("7x7 stem", new long[] {2, 3, 20, 20}, 8, 7, 2, 3, 1, ConvolutionMode.Truncate, false, Activation.IDENTITY, false),
                new Case("3x3 dilation 2", new long[] {2, 8, 12, 12}, 8, 3, 1, 2, 2, ConvolutionMode.Truncate, true, Activation.IDENTITY, false),
                new Case("Same stride 2", new long[] {2, 8, 9, 9}, 8, 3, 2, 0, 1, ConvolutionMode.Same, true, Activation.IDENTITY, false),
                new Case("strided view input", new long[] {2, 8, 7, 7}, 12, 3, 1, 1, 1, ConvolutionMode.Truncate, false, Activation.IDENTITY, true))
                .map(Arguments::of);
    }

    @ParameterizedTest
    @MethodSource("cases")
    void computesWhatDl4jsOwnOneDnnPathComputes(Case c) {
        MultiLayerNetwork ours = network(c, true, false, DataType.FLOAT);
        MultiLayerNetwork reference = network(c, false, false, DataType.FLOAT);
        reference.setParams(ours.params().dup());
        assertInstanceOf(OneDnnConvolution.class, ours.getLayer(0).getHelper());
        assertInstanceOf(MKLDNNConvHelper.class, reference.getLayer(0).getHelper());

        Nd4j.getRandom().setSeed(7);
        INDArray input = c.viewInput()
                ? Nd4j.randn(DataType.FLOAT, c.input()[0], c.input()[1] * 2, c.input()[2], c.input()[3])
                        .get(NDArrayIndex.all(), NDArrayIndex.interval(1, 1 + c.input()[1]), NDArrayIndex.all(), NDArrayIndex.all())
                : Nd4j.randn(DataType.FLOAT, c.input());
        INDArray expectedOutput = reference.output(input.dup());
        INDArray labels = Nd4j.randn(DataType.FLOAT, expectedOutput.shape());

        assertClose(expectedOutput, ours.output(input), "output");
        Pair<Gradient, INDArray> expected = reference.calculateGradients(input.dup(), labels, null, null);
        Pair<Gradient, INDArray> actual = ours.calculateGradients(input, labels, null, null);
        assertClose(expected.getSecond(), actual.getSecond(), "input gradient");
        assertClose(expected.getFirst().getGradientFor("0_W"), actual.getFirst().getGradientFor("0_W"), "weights gradient");
        // oneDNN writes the weights' gradient straight into DL4J's view (1x1 kernels too), a strided input is copied
        assertTrue(OneDnn.isDense(actual.getFirst().getGradientFor("0_W")), "weights gradient view");
        assertEquals(!c.viewInput(), OneDnn.isDense(input), "input dense");
        if (c.bias()) {
            assertClose(expected.getFirst().getGradientFor("0_b"), actual.getFirst().getGradientFor("0_b"), "bias gradient");
        }
    }

    /** A first layer's conv: the same weight gradient, and zeros for the image, on both paths (oneDNN and DL4J's). */
    @ParameterizedTest
    @ValueSource(strings = {"FLOAT", "DOUBLE"})
    void withoutInputGradientGivesTheSameWeightsGradientAndAZeroInputGradient(DataType dataType) {
        var c = new Case("stem", new long[] {2, 3, 20, 20}, 8, 7, 2, 3, 1, ConvolutionMode.Truncate, false, Activation.IDENTITY, false);
        MultiLayerNetwork stem = network(c, true, true, dataType);
        MultiLayerNetwork full = network(c, true, false, dataType);
        full.setParams(stem.params().dup());
        Nd4j.getRandom().setSeed(8);
        INDArray input = Nd4j.randn(dataType, c.input());
        INDArray labels = Nd4j.randn(dataType, full.output(input).shape());

        Pair<Gradient, INDArray> expected = full.calculateGradients(input, labels, null, null);
        Pair<Gradient, INDArray> actual = stem.calculateGradients(input, labels, null, null);

        assertEquals(expected.getFirst().getGradientFor("0_W"), actual.getFirst().getGradientFor("0_W"));
        assertEquals(0.0, actual.getSecond().amaxNumber().doubleValue(), 0.0);
        assertTrue(expected.getSecond().amaxNumber().doubleValue() > 0);
    }

    /**
     * ND4J makes some of a thread's native state on first use (the op executioner's argument pointers); if that first
     * use falls within a conv call, it must outlive the call. On a fresh thread, as each Spark task or bench runs.
     */
    @Test
    void leavesWhatNd4jMakesDuringACallAlone() throws Exception {
        var later = new java.util.concurrent.atomic.AtomicReference<INDArray>();
        var failure = new java.util.concurrent.atomic.AtomicReference<Throwable>();
        var thread = new Thread(() -> {
            try {
                try (var scope = OneDnn.callScope()) {
                    Nd4j.create(DataType.FLOAT, 2, 3).addiRowVector(Nd4j.ones(DataType.FLOAT, 3));
                }
                later.set(Nd4j.create(DataType.FLOAT, 2, 3).addiRowVector(Nd4j.ones(DataType.FLOAT, 3).muli(2)));
            } catch (Throwable e) {
                failure.set(e);
            }
        });
        thread.start();
        thread.join();

        assertEquals(null, failure.get(), "an ND4J op after the call failed");
        assertEquals(2.0, later.get().meanNumber().doubleValue(), 0.0);
    }

    private static void assertClose(INDArray expected, INDArray actual, String what) {
        assertEquals(java.util.Arrays.toString(expected.shape()), java.util.Arrays.toString(actual.shape()), what + " shape");
        double scale = Math.max(1e-3, expected.amaxNumber().doubleValue());
        double difference = expected.sub(actual).amaxNumber().doubleValue();
        assertTrue(difference <= TOLERANCE * scale, what + ": largest difference " + difference + " at scale " + scale);
    }

    private static MultiLayerNetwork network(Case c, boolean ours, boolean withoutInputGradient, DataType dataType) {
        var builder = ours ? new Convolution2d.Builder(c.kernel(), c.kernel()) : new ConvolutionLayer.Builder(c.kernel(), c.kernel());
        if (withoutInputGradient) {
            ((Convolution2d.Builder) builder).withoutInputGradient();
        }
        ConvolutionLayer conv = builder.stride(c.stride(), c.stride()).padding(c.padding(), c.padding())
                .dilation(c.dilation(), c.dilation()).convolutionMode(c.mode()).hasBias(c.bias())
                .nOut(c.outChannels()).activation(c.activation()).build();
        var net = new MultiLayerNetwork(new NeuralNetConfiguration.Builder()
                .dataType(dataType)
                .seed(11)
                .weightInit(WeightInit.XAVIER)
                .biasInit(0.3)
                .trainingWorkspaceMode(WorkspaceMode.ENABLED)
                .list()
                .layer(conv)
                .layer(new CnnLossLayer.Builder(LossFunction.MSE).activation(Activation.IDENTITY).build())
                .setInputType(InputType.convolutional(c.input()[2], c.input()[3], c.input()[1]))
                .build());
        net.init();
        return net;
    }
}
