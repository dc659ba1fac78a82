package io.attnspark.model.layer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.deeplearning4j.gradientcheck.GradientCheckUtil;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ActivationLayer;
import org.deeplearning4j.nn.conf.layers.CnnLossLayer;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.weights.WeightInit;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.IUpdater;
import org.nd4j.linalg.learning.config.NoOp;
import org.nd4j.linalg.learning.config.Sgd;
import org.nd4j.linalg.lossfunctions.LossFunctions.LossFunction;

class ReluVertexTest {

    private static final long[] SHAPE = {2, 3, 5, 5};

    @Test
    void outputHasTheTypeOfTheInput() {
        var x = InputType.convolutional(5, 7, 24);

        assertEquals(x, new ReluVertex().getOutputType(0, x));
    }

    @Test
    void gradientsMatchFiniteDifferences() {
        DataType previousDefault = Nd4j.dataType();
        DataType previousFloat = Nd4j.defaultFloatingPointType();
        boolean passed;
        try {
            Nd4j.setDefaultDataTypes(DataType.DOUBLE, DataType.DOUBLE);
            ComputationGraph net = network(true, DataType.DOUBLE, new NoOp());
            Nd4j.getRandom().setSeed(5);
            INDArray input = Nd4j.randn(DataType.DOUBLE, SHAPE);
            INDArray labels = Nd4j.randn(DataType.DOUBLE, SHAPE);
            passed = GradientCheckUtil.checkGradients(new GradientCheckUtil.GraphConfig().net(net)
                    .inputs(new INDArray[] {input}).labels(new INDArray[] {labels})
                    .epsilon(1e-6).maxRelError(1e-5).minAbsoluteError(1e-9));
        } finally {
            Nd4j.setDefaultDataTypes(previousDefault, previousFloat);
        }

        assertTrue(passed, "gradient check failed; see the test output for the parameters");
    }

    /** It replaced DL4J's ReLU layer in the backbones, so training must not change by a bit. */
    @Test
    void trainsExactlyLikeDl4jsReluLayer() {
        Nd4j.getRandom().setSeed(3);
        var data = new DataSet(Nd4j.randn(DataType.FLOAT, SHAPE), Nd4j.randn(DataType.FLOAT, SHAPE));
        ComputationGraph vertex = network(true, DataType.FLOAT, new Sgd(0.1));
        ComputationGraph layer = network(false, DataType.FLOAT, new Sgd(0.1));
        layer.setParams(vertex.params().dup());
        INDArray initial = vertex.params().dup();

        for (int step = 0; step < 3; step++) {
            vertex.fit(data);
            layer.fit(data);
        }

        assertNotEquals(initial, vertex.params(), "training did not change the parameters");
        assertEquals(layer.params(), vertex.params());
        assertEquals(layer.outputSingle(data.getFeatures()), vertex.outputSingle(data.getFeatures()));
    }

    @Test
    void jsonRoundTripAndCloneKeepConfigurationAndOutput() {
        ComputationGraph net = network(true, DataType.FLOAT, new NoOp());
        INDArray input = Nd4j.randn(DataType.FLOAT, SHAPE);

        ComputationGraphConfiguration restored = ComputationGraphConfiguration.fromJson(net.getConfiguration().toJson());
        var copy = new ComputationGraph(restored);
        copy.init(net.params().dup(), false);

        assertEquals(net.getConfiguration(), restored);
        assertTrue(restored.getVertices().get("relu") instanceof ReluVertex);
        assertEquals(net.outputSingle(input), copy.outputSingle(input));
        assertEquals(net.outputSingle(input), net.clone().outputSingle(input));
    }

    /** conv (with a bias, so that about half the pre-activations are negative) -> ReLU -> MSE. */
    private static ComputationGraph network(boolean reluVertex, DataType dataType, IUpdater updater) {
        var graph = new NeuralNetConfiguration.Builder()
                .dataType(dataType)
                .seed(1)
                .updater(updater)
                .weightInit(WeightInit.XAVIER)
                .graphBuilder()
                .addInputs("input")
                .setInputTypes(InputType.convolutional(SHAPE[2], SHAPE[3], SHAPE[1]))
                .addLayer("conv", new ConvolutionLayer.Builder(3, 3).convolutionMode(ConvolutionMode.Same)
                        .nOut(SHAPE[1]).activation(Activation.IDENTITY).build(), "input");
        if (reluVertex) {
            graph.addVertex("relu", new ReluVertex(), "conv");
        } else {
            graph.addLayer("relu", new ActivationLayer.Builder().activation(Activation.RELU).build(), "conv");
        }
        var net = new ComputationGraph(graph
                .addLayer("loss", new CnnLossLayer.Builder(LossFunction.MSE).activation(Activation.IDENTITY).build(), "relu")
                .setOutputs("loss")
                .build());
        net.init();
        return net;
    }
}
