package io.attnspark.model.attention;

import static io.attnspark.model.attention.AttentionTestSupport.INPUT;
import static io.attnspark.model.attention.AttentionTestSupport.OUTPUT;
import static io.attnspark.model.attention.AttentionTestSupport.PREFIX;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import io.attnspark.model.attention.AttentionTestSupport.Fixture;
import io.attnspark.model.layer.GradientChecks;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration.GraphBuilder;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.CnnLossLayer;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.weights.WeightInit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.NoOp;
import org.nd4j.linalg.lossfunctions.LossFunctions;

/**
 * The attention contract (run through the shape-keeping {@code attach}) plus the tests of a module used as a
 * convolution: other output channels and a stride, against PyTorch and in a gradient check.
 */
abstract class ConvReplacementContract extends AttentionModuleContract {

    /** A fixture of the module as a conv: output channels come from the fixture's output, the stride from here. */
    record ConvFixture(String name, int stride) { }

    abstract List<ConvFixture> convFixtures();

    @Override
    ConvReplacement fixtureModule() {
        return (ConvReplacement) super.fixtureModule();
    }

    /** A small module for the double-precision gradient check of {@link #convGradientCheckShape()} → 2× channels, stride 2. */
    ConvReplacement convGradientCheckModule() {
        return (ConvReplacement) gradientCheckModule();
    }

    long[] convGradientCheckShape() {
        return new long[] {3, 4, 5, 5};
    }

    @ParameterizedTest
    @MethodSource("convFixtures")
    void forwardAsConvMatchesPyTorch(ConvFixture convFixture) {
        Fixture fixture = AttentionTestSupport.fixture(convFixture.name());
        ConvReplacement module = fixtureModule();
        int in = (int) fixture.input().size(1);
        int out = (int) fixture.output().size(1);
        ComputationGraph net = convGraph(module, fixture.input().shape(), out, convFixture.stride(), DataType.FLOAT, false);
        TorchStateDict.load(net, module.torchParams(PREFIX, in, out, convFixture.stride()), fixture.stateDict());

        INDArray actual = net.outputSingle(fixture.input());

        assertArrayEquals(fixture.output().shape(), actual.shape());
        double error = AttentionTestSupport.maxAbsDiff(fixture.output(), actual);
        assertTrue(error <= MAX_ABS_ERROR, convFixture + ": max abs error " + error + " > " + MAX_ABS_ERROR);
    }

    @Test
    void gradientsAsStridedConvMatchFiniteDifferences() {
        long[] shape = convGradientCheckShape();
        int out = (int) shape[1] * 2;
        ComputationGraph net = new AttentionModuleContract.FlattenedOrderGraph(
                convGraph(convGradientCheckModule(), shape, out, 2, DataType.DOUBLE, true));
        Nd4j.getRandom().setSeed(11);
        INDArray input = Nd4j.randn(DataType.DOUBLE, shape);
        INDArray labels = Nd4j.randn(DataType.DOUBLE, net.outputSingle(input).shape());

        GradientChecks.assertPass(() -> GradientChecks.of(net, input, labels).excludeParams(gradientCheckExcludedParams()));
    }

    /** input (→ 1×1 conv when {@code withStem}) → module as an in→out conv with {@code stride} → identity MSE loss. */
    static ComputationGraph convGraph(ConvReplacement module, long[] inputShape, int outChannels, int stride,
                                      DataType dataType, boolean withStem) {
        int in = (int) inputShape[1];
        GraphBuilder graph = new NeuralNetConfiguration.Builder().dataType(dataType).seed(42).updater(new NoOp())
                .weightInit(WeightInit.XAVIER).graphBuilder().addInputs(INPUT)
                .setInputTypes(InputType.convolutional(inputShape[2], inputShape[3], in));
        String input = INPUT;
        if (withStem) {
            graph.addLayer("stem", new ConvolutionLayer.Builder(1, 1).nIn(in).nOut(in).activation(Activation.IDENTITY).build(), INPUT);
            input = "stem";
        }
        String out = module.attach(graph, PREFIX, input, in, outChannels, stride);
        graph.addLayer(OUTPUT, new CnnLossLayer.Builder(LossFunctions.LossFunction.MSE).activation(Activation.IDENTITY).build(), out)
                .setOutputs(OUTPUT);
        var net = new ComputationGraph(graph.build());
        net.init();
        return net;
    }
}
