package io.attnspark.bench;

import io.attnspark.model.attention.AttentionModule;
import io.attnspark.model.layer.Convolution2d;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration.GraphBuilder;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.CnnLossLayer;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.lossfunctions.LossFunctions;

/** Tiny graphs {@code input -> one block -> MSE loss} on a C x H x W activation, to measure a module on its own. */
public final class ModuleGraphs {

    static final String INPUT = "input";
    static final String BLOCK = "block";
    static final String LOSS = "loss";

    private ModuleGraphs() { }

    /** The module alone on a {@code channels x size x size} input. */
    public static ComputationGraphConfiguration module(AttentionModule module, int channels, int size,
                                                       NeuralNetConfiguration.Builder base) {
        GraphBuilder graph = start(base, channels, size);
        return finish(graph, module.attach(graph, BLOCK, INPUT, channels));
    }

    /** The baseline: a plain 3x3 convolution C -> C with padding 1 (same size out), no activation. */
    public static ComputationGraphConfiguration conv3x3(int channels, int size, NeuralNetConfiguration.Builder base) {
        GraphBuilder graph = start(base, channels, size);
        graph.addLayer(BLOCK, new Convolution2d.Builder(3, 3).nIn(channels).nOut(channels)
                .convolutionMode(ConvolutionMode.Same).activation(Activation.IDENTITY).build(), INPUT);
        return finish(graph, BLOCK);
    }

    private static GraphBuilder start(NeuralNetConfiguration.Builder base, int channels, int size) {
        return base.graphBuilder().addInputs(INPUT).setInputTypes(InputType.convolutional(size, size, channels));
    }

    private static ComputationGraphConfiguration finish(GraphBuilder graph, String output) {
        graph.addLayer(LOSS, new CnnLossLayer.Builder(LossFunctions.LossFunction.MSE).activation(Activation.IDENTITY)
                .build(), output);
        return graph.setOutputs(LOSS).build();
    }
}
