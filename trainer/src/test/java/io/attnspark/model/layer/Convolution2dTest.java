package io.attnspark.model.layer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.atomic.AtomicLong;
import org.deeplearning4j.nn.conf.CacheMode;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.WorkspaceMode;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.CnnLossLayer;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.weights.WeightInit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.IUpdater;
import org.nd4j.linalg.learning.config.NoOp;
import org.nd4j.linalg.learning.config.Sgd;
import org.nd4j.linalg.lossfunctions.LossFunctions.LossFunction;

/** {@link Convolution2d} against DL4J's {@link ConvolutionLayer}, which the backbones and modules used before. */
class Convolution2dTest {

    private static final long[] INPUT = {4, 3, 16, 16};
    private static final long[] OUTPUT = {4, 6, 8, 8};
    /** The DL4J graph's workspace of the activations, where its conv layers copied their outputs for backward. */
    private static final String ACTIVATIONS_WORKSPACE = "WS_ALL_LAYERS_ACT";

    /** The same arithmetic as DL4J's layer with the trainer's CacheMode.DEVICE, so training must not change by a bit. */
    @ParameterizedTest
    @EnumSource(value = Activation.class, names = {"IDENTITY", "RELU"})
    void trainsExactlyLikeDl4jsLayer(Activation activation) {
        Nd4j.getRandom().setSeed(3);
        var data = new DataSet(Nd4j.randn(DataType.FLOAT, INPUT), Nd4j.randn(DataType.FLOAT, OUTPUT));
        ComputationGraph ours = network(true, activation, DataType.FLOAT, new Sgd(0.1));
        ComputationGraph dl4j = network(false, activation, DataType.FLOAT, new Sgd(0.1));

        SideBySideTraining.fit(ours, dl4j, data, 3);

        assertEquals(dl4j.params(), ours.params());
        assertEquals(dl4j.score(), ours.score());
        assertEquals(dl4j.outputSingle(data.getFeatures()), ours.outputSingle(data.getFeatures()));
    }

    @Test
    void keepsNoCopyOfItsOutputForBackward() throws InterruptedException {
        Nd4j.getRandom().setSeed(4);
        var data = new DataSet(Nd4j.randn(DataType.FLOAT, INPUT), Nd4j.randn(DataType.FLOAT, OUTPUT));
        long ours = activationWorkspaceBytesAfterTraining(network(true, Activation.IDENTITY, DataType.FLOAT, new Sgd(0.1)), data);
        long dl4j = activationWorkspaceBytesAfterTraining(network(false, Activation.IDENTITY, DataType.FLOAT, new Sgd(0.1)), data);
        // the two convs' outputs: [4, 6, 16, 16] and [4, 6, 8, 8] floats
        long outputBytes = 4L * 6 * (16 * 16 + 8 * 8) * Float.BYTES;

        assertTrue(ours + outputBytes <= dl4j, "workspace of the activations: ours " + ours + " bytes, DL4J's " + dl4j);
    }

    @Test
    void gradientsMatchFiniteDifferences() {
        GradientChecks.assertPass(() -> {
            ComputationGraph net = network(true, Activation.IDENTITY, DataType.DOUBLE, new NoOp());
            Nd4j.getRandom().setSeed(5);
            return GradientChecks.of(net, Nd4j.randn(DataType.DOUBLE, INPUT), Nd4j.randn(DataType.DOUBLE, OUTPUT));
        });
    }

    @Test
    void jsonRoundTripAndCloneKeepConfigurationAndOutput() {
        ComputationGraph net = network(true, Activation.IDENTITY, DataType.FLOAT, new NoOp());
        INDArray input = Nd4j.randn(DataType.FLOAT, INPUT);

        ComputationGraphConfiguration restored = ComputationGraphConfiguration.fromJson(net.getConfiguration().toJson());
        var copy = new ComputationGraph(restored);
        copy.init(net.params().dup(), false);

        assertEquals(net.getConfiguration(), restored);
        var stem = new Convolution2d.Builder(3, 3).withoutInputGradient().nOut(2).build();
        assertEquals(false, ((Convolution2d) NeuralNetConfiguration.fromJson(new NeuralNetConfiguration.Builder()
                .layer(stem).build().toJson()).getLayer()).isInputGradient());
        assertTrue(!stem.equals(new Convolution2d.Builder(3, 3).nOut(2).build()));
        assertEquals(Convolution2dLayer.class, copy.getLayer("conv1").getClass());
        assertEquals(net.outputSingle(input), copy.outputSingle(input));
        assertEquals(net.outputSingle(input), net.clone().outputSingle(input));
    }

    /** On a thread of its own, since workspaces belong to threads and never shrink. */
    private static long activationWorkspaceBytesAfterTraining(ComputationGraph net, DataSet data)
            throws InterruptedException {
        var bytes = new AtomicLong();
        var thread = new Thread(() -> {
            for (int step = 0; step < 3; step++) {
                net.fit(data);
            }
            bytes.set(Nd4j.getWorkspaceManager().getWorkspaceForCurrentThread(ACTIVATIONS_WORKSPACE).getCurrentSize());
        });
        thread.start();
        thread.join();
        return bytes.get();
    }

    /** Two convs (the second strided, so that the first gets a gradient through it), then MSE. */
    private static ComputationGraph network(boolean ours, Activation activation, DataType dataType, IUpdater updater) {
        var net = new ComputationGraph(new NeuralNetConfiguration.Builder()
                .dataType(dataType)
                .seed(1)
                .updater(updater)
                .weightInit(WeightInit.XAVIER)
                .trainingWorkspaceMode(WorkspaceMode.ENABLED)
                .cacheMode(CacheMode.DEVICE)
                .graphBuilder()
                .addInputs("input")
                .setInputTypes(InputType.convolutional(INPUT[2], INPUT[3], INPUT[1]))
                .addLayer("conv1", conv(ours, 1, activation), "input")
                .addLayer("conv2", conv(ours, 2, activation), "conv1")
                .addLayer("loss", new CnnLossLayer.Builder(LossFunction.MSE).activation(Activation.IDENTITY).build(), "conv2")
                .setOutputs("loss")
                .build());
        net.init();
        return net;
    }

    private static ConvolutionLayer conv(boolean ours, int stride, Activation activation) {
        var builder = ours ? new Convolution2d.Builder(3, 3) : new ConvolutionLayer.Builder(3, 3);
        return builder.stride(stride, stride).padding(1, 1).convolutionMode(ConvolutionMode.Truncate).nOut(OUTPUT[1])
                .activation(activation).build();
    }
}
