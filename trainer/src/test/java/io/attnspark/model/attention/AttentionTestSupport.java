package io.attnspark.model.attention;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

import org.deeplearning4j.nn.conf.ComputationGraphConfiguration.GraphBuilder;
import org.deeplearning4j.nn.conf.CacheMode;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.WorkspaceMode;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.CnnLossLayer;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.weights.WeightInit;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.learning.config.NoOp;
import org.nd4j.linalg.learning.config.Sgd;
import org.nd4j.linalg.lossfunctions.LossFunctions;

/** Builds the tiny graphs and reads the PyTorch fixtures that every attention-module test uses. */
final class AttentionTestSupport {

    static final String INPUT = "input";
    static final String OUTPUT = "output";
    static final String PREFIX = "att";

    /** A PyTorch reference: the module's input, output and state_dict, written by make_attention_fixtures.py. */
    record Fixture(String name, INDArray input, INDArray output, Map<String, INDArray> stateDict) { }

    private AttentionTestSupport() { }

    static Fixture fixture(String name) {
        var resource = Objects.requireNonNull(AttentionTestSupport.class.getResource("/fixtures/attention/" + name + ".npz"),
                "fixture " + name + " is missing; run trainer/src/test/python/make_attention_fixtures.py");
        try {
            var arrays = new LinkedHashMap<>(TorchStateDict.readNpz(Path.of(resource.toURI())));
            INDArray input = arrays.remove("input");
            INDArray output = arrays.remove("output");
            return new Fixture(name, input, output, arrays);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /** input → module → identity MSE loss: the graph's output is the module's output. */
    static ComputationGraph moduleGraph(AttentionModule module, long[] inputShape, DataType dataType) {
        int channels = (int) inputShape[1];
        GraphBuilder graph = new NeuralNetConfiguration.Builder().dataType(dataType).seed(42).updater(new NoOp())
                .graphBuilder().addInputs(INPUT)
                .setInputTypes(InputType.convolutional(inputShape[2], inputShape[3], channels));
        String out = module.attach(graph, PREFIX, INPUT, channels);
        graph.addLayer(OUTPUT, identityLoss(), out).setOutputs(OUTPUT);
        var net = new ComputationGraph(graph.build());
        net.init();
        return net;
    }

    /**
     * input → 1×1 conv → module → identity MSE loss, in double precision. The conv in front has parameters whose
     * gradient flows back through every input of the module's vertices, so a gradient check covers their backward passes.
     */
    static ComputationGraph gradientCheckGraph(AttentionModule module, long[] inputShape) {
        int channels = (int) inputShape[1];
        GraphBuilder graph = new NeuralNetConfiguration.Builder().dataType(DataType.DOUBLE).seed(42).updater(new NoOp())
                .weightInit(WeightInit.XAVIER).graphBuilder().addInputs(INPUT)
                .setInputTypes(InputType.convolutional(inputShape[2], inputShape[3], channels))
                .addLayer("stem", new ConvolutionLayer.Builder(1, 1).nIn(channels).nOut(channels)
                        .activation(Activation.IDENTITY).build(), INPUT);
        String out = module.attach(graph, PREFIX, "stem", channels);
        graph.addLayer(OUTPUT, identityLoss(), out).setOutputs(OUTPUT);
        var net = new ComputationGraph(graph.build());
        net.init();
        return net;
    }

    /**
     * input → 1×1 conv → module → identity MSE loss with SGD, in float, under the given workspace mode; the
     * parameters start equal for equal arguments.
     */
    static ComputationGraph trainingGraph(AttentionModule module, long[] inputShape, WorkspaceMode workspaceMode) {
        int channels = (int) inputShape[1];
        GraphBuilder graph = new NeuralNetConfiguration.Builder().dataType(DataType.FLOAT).seed(42).updater(new Sgd(0.5))
                .weightInit(WeightInit.XAVIER).trainingWorkspaceMode(workspaceMode).inferenceWorkspaceMode(workspaceMode)
                .cacheMode(workspaceMode == WorkspaceMode.ENABLED ? CacheMode.DEVICE : CacheMode.NONE)
                .graphBuilder().addInputs(INPUT)
                .setInputTypes(InputType.convolutional(inputShape[2], inputShape[3], channels))
                .addLayer("stem", new ConvolutionLayer.Builder(1, 1).nIn(channels).nOut(channels)
                        .activation(Activation.IDENTITY).build(), INPUT);
        String out = module.attach(graph, PREFIX, "stem", channels);
        graph.addLayer(OUTPUT, identityLoss(), out).setOutputs(OUTPUT);
        var net = new ComputationGraph(graph.build());
        net.init();
        return net;
    }

    static double maxAbsDiff(INDArray expected, INDArray actual) {
        if (!expected.equalShapes(actual)) {
            throw new AssertionError("shapes differ: expected " + expected.shapeInfoToString() + ", got " + actual.shapeInfoToString());
        }
        return expected.castTo(DataType.DOUBLE).sub(actual.castTo(DataType.DOUBLE)).amaxNumber().doubleValue();
    }

    private static CnnLossLayer identityLoss() {
        return new CnnLossLayer.Builder(LossFunctions.LossFunction.MSE).activation(Activation.IDENTITY).build();
    }
}
