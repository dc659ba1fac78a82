package io.attnspark.model.layer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration.GraphBuilder;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.graph.ElementWiseVertex;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.inputs.InvalidInputTypeException;
import org.deeplearning4j.nn.conf.layers.ActivationLayer;
import org.deeplearning4j.nn.conf.layers.CnnLossLayer;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.weights.WeightInit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.IUpdater;
import org.nd4j.linalg.learning.config.NoOp;
import org.nd4j.linalg.learning.config.Sgd;
import org.nd4j.linalg.lossfunctions.LossFunctions.LossFunction;

/** {@link ReluVertex} and {@link AddReluVertex}, the ends of ResNet blocks, against DL4J's layers they replaced. */
class ResidualReluVerticesTest {

    private static final long[] SHAPE = {2, 3, 5, 5};

    /** How a block ends: our vertex ({@code relu}) or DL4J's add and ReLU layer, after one conv or the sum of two. */
    enum BlockEnd {
        RELU, ADD_RELU, DL4J_RELU, DL4J_ADD_RELU;

        void add(GraphBuilder graph) {
            switch (this) {
                case RELU -> graph.addVertex("relu", new ReluVertex(), "conv");
                case ADD_RELU -> graph.addVertex("relu", new AddReluVertex(), "conv", "shortcut");
                case DL4J_RELU -> graph.addLayer("relu", dl4jRelu(), "conv");
                case DL4J_ADD_RELU -> graph.addVertex("add", new ElementWiseVertex(ElementWiseVertex.Op.Add), "conv", "shortcut")
                        .addLayer("relu", dl4jRelu(), "add");
            }
        }

        boolean adds() {
            return this == ADD_RELU || this == DL4J_ADD_RELU;
        }

        BlockEnd dl4j() {
            return this == RELU ? DL4J_RELU : DL4J_ADD_RELU;
        }

        private static ActivationLayer dl4jRelu() {
            return new ActivationLayer.Builder().activation(Activation.RELU).build();
        }
    }

    @Test
    void outputHasTheTypeOfTheInputs() {
        var x = InputType.convolutional(5, 7, 24);

        assertEquals(x, new ReluVertex().getOutputType(0, x));
        assertEquals(x, new AddReluVertex().getOutputType(0, x, x));
    }

    @Test
    void addingInputsOfDifferentTypesIsRejected() {
        var error = assertThrows(InvalidInputTypeException.class, () -> new AddReluVertex().getOutputType(0,
                InputType.convolutional(5, 7, 24), InputType.convolutional(5, 7, 12)));

        assertTrue(error.getMessage().contains("same type"), error.getMessage());
    }

    @ParameterizedTest
    @EnumSource(value = BlockEnd.class, names = {"RELU", "ADD_RELU"})
    void gradientsMatchFiniteDifferences(BlockEnd end) {
        GradientChecks.assertPass(() -> {
            ComputationGraph net = network(end, DataType.DOUBLE, new NoOp());
            Nd4j.getRandom().setSeed(5);
            return GradientChecks.of(net, Nd4j.randn(DataType.DOUBLE, SHAPE), Nd4j.randn(DataType.DOUBLE, SHAPE));
        });
    }

    /** They replaced DL4J's vertex and layer in the backbones, so training must not change by a bit. */
    @ParameterizedTest
    @EnumSource(value = BlockEnd.class, names = {"RELU", "ADD_RELU"})
    void trainsExactlyLikeDl4jsLayers(BlockEnd end) {
        Nd4j.getRandom().setSeed(3);
        var data = new DataSet(Nd4j.randn(DataType.FLOAT, SHAPE), Nd4j.randn(DataType.FLOAT, SHAPE));
        ComputationGraph ours = network(end, DataType.FLOAT, new Sgd(0.1));
        ComputationGraph dl4j = network(end.dl4j(), DataType.FLOAT, new Sgd(0.1));

        SideBySideTraining.fit(ours, dl4j, data, 3);

        assertEquals(dl4j.params(), ours.params());
        assertEquals(dl4j.outputSingle(data.getFeatures()), ours.outputSingle(data.getFeatures()));
    }

    @ParameterizedTest
    @EnumSource(value = BlockEnd.class, names = {"RELU", "ADD_RELU"})
    void jsonRoundTripAndCloneKeepConfigurationAndOutput(BlockEnd end) {
        ComputationGraph net = network(end, DataType.FLOAT, new NoOp());
        INDArray input = Nd4j.randn(DataType.FLOAT, SHAPE);

        ComputationGraphConfiguration restored = ComputationGraphConfiguration.fromJson(net.getConfiguration().toJson());
        var copy = new ComputationGraph(restored);
        copy.init(net.params().dup(), false);

        assertEquals(net.getConfiguration(), restored);
        assertEquals(net.getConfiguration().getVertices().get("relu").getClass(), restored.getVertices().get("relu").getClass());
        assertEquals(net.outputSingle(input), copy.outputSingle(input));
        assertEquals(net.outputSingle(input), net.clone().outputSingle(input));
    }

    /**
     * A ResNet block (the stem feeds conv1 and the identity shortcut; conv1, then a batch norm, optionally an attention
     * gate (SE's channel scale, here by the map's own mean), then the end): its two inputs share one gradient array,
     * and it trains exactly as DL4J's add and ReLU, which copy the gradient.
     */
    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void blockEndingInAGradientReaderSharesItsGradientAndTrainsExactlyAsWithCopies(boolean gated) {
        Nd4j.getRandom().setSeed(4);
        var data = new DataSet(Nd4j.randn(DataType.FLOAT, SHAPE), Nd4j.randn(DataType.FLOAT, SHAPE));
        ComputationGraph ours = residualBlock(BlockEnd.ADD_RELU, gated);
        ComputationGraph dl4j = residualBlock(BlockEnd.DL4J_ADD_RELU, gated);

        SideBySideTraining.fit(ours, dl4j, data, 3);

        assertTrue(((AddReluVertexImpl) ours.getVertex("relu")).mayShareGradient());
        assertEquals(dl4j.params(), ours.params());
    }

    /** A branch that ends in another layer (here a conv) gets a copy: it might change its gradient in place. */
    @Test
    void branchEndingInAnotherLayerGetsItsOwnGradient() {
        ComputationGraph net = network(BlockEnd.ADD_RELU, DataType.FLOAT, new NoOp());

        assertTrue(!((AddReluVertexImpl) net.getVertex("relu")).mayShareGradient());
    }

    private static ComputationGraph residualBlock(BlockEnd end, boolean gated) {
        GraphBuilder graph = graph(DataType.FLOAT, new Sgd(0.1))
                .addLayer("shortcut", conv(), "input")
                .addLayer("conv1", conv(), "shortcut");
        if (gated) {
            graph.addLayer("bn", BatchNorm2d.torchDefaults(SHAPE[1]), "conv1")
                    .addVertex("pool", new GlobalAvgPoolVertex(), "bn")
                    .addVertex("conv", new ChannelScaleVertex(), "bn", "pool");
        } else {
            graph.addLayer("conv", BatchNorm2d.torchDefaults(SHAPE[1]), "conv1");
        }
        end.add(graph);
        return withLoss(graph);
    }

    /**
     * conv (with a bias, so that about half the pre-activations are negative), plus a second conv as the shortcut
     * where the end adds, then the block's end, then MSE.
     */
    private static ComputationGraph network(BlockEnd end, DataType dataType, IUpdater updater) {
        GraphBuilder graph = graph(dataType, updater).addLayer("conv", conv(), "input");
        if (end.adds()) {
            graph.addLayer("shortcut", conv(), "input");
        }
        end.add(graph);
        return withLoss(graph);
    }

    private static GraphBuilder graph(DataType dataType, IUpdater updater) {
        return new NeuralNetConfiguration.Builder()
                .dataType(dataType)
                .seed(1)
                .updater(updater)
                .weightInit(WeightInit.XAVIER)
                .graphBuilder()
                .addInputs("input")
                .setInputTypes(InputType.convolutional(SHAPE[2], SHAPE[3], SHAPE[1]));
    }

    /** The graph with MSE on the block's end, initialized. */
    private static ComputationGraph withLoss(GraphBuilder graph) {
        var net = new ComputationGraph(graph
                .addLayer("loss", new CnnLossLayer.Builder(LossFunction.MSE).activation(Activation.IDENTITY).build(), "relu")
                .setOutputs("loss")
                .build());
        net.init();
        return net;
    }

    private static ConvolutionLayer conv() {
        return new ConvolutionLayer.Builder(3, 3).convolutionMode(ConvolutionMode.Same).nOut(SHAPE[1])
                .activation(Activation.IDENTITY).build();
    }
}
