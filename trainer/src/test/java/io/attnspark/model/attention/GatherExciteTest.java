package io.attnspark.model.attention;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;

import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class GatherExciteTest extends AttentionModuleContract {

    @Override
    String registryName() {
        return "ge";
    }

    @Override
    Map<String, Object> fixtureOptions() {
        return Map.of("extent", 2);
    }

    @Override
    List<String> fixtures() {
        return List.of("ge_e2_2x24x3x5", "ge_e2_3x32x2x3");
    }

    @Override
    AttentionModule gradientCheckModule() {
        return new GatherExcite(2);
    }

    /**
     * Small enough that central differences resolve gradients near 1e-5 (at the contract's 2x8x3x3 the score is
     * near 12 and its rounding costs 1e-9 of difference); extent 2 on 2x3 still resizes a 1x2 gate to 2x3.
     */
    @Override
    long[] gradientCheckShape() {
        return new long[] {2, 4, 2, 3};
    }

    /** two and three conv steps (ReLU between, not after the last) on odd maps, and the global map-sized conv */
    @ParameterizedTest
    @CsvSource({"ge_e4_2x8x5x7, 4", "ge_e8_1x8x9x11, 8", "ge_e0_2x24x3x5, 0"})
    void otherExtentsMatchPyTorch(String fixtureName, int extent) {
        PyTorchFixtures.assertForwardMatches(new GatherExcite(extent), fixtureName);
    }

    @Test
    void trainingModeMatchesPyTorch() {
        PyTorchFixtures.assertTrainingForwardMatches(new GatherExcite(4), "ge_e4_train_2x8x5x7");
    }

    @Test
    void optionsComeFromTheRegistryWithDefaults() {
        assertEquals(new GatherExcite(0), AttentionRegistry.create("ge", Map.of()));
        assertEquals(new GatherExcite(4), AttentionRegistry.create("ge", Map.of("extent", 4)));
    }

    @Test
    void globalGatherIsADepthwiseConvAsLargeAsTheMap() {
        var graph = new NeuralNetConfiguration.Builder().graphBuilder().addInputs("in")
                .setInputTypes(InputType.convolutional(3, 5, 8));
        graph.setOutputs(new GatherExcite(0).attach(graph, "ge", "in", 8));
        var net = new ComputationGraph(graph.build());
        net.init();

        // depthwise 3x5 weights per channel and BN gamma, beta, mean, var
        assertEquals(8 * 3 * 5 + 4 * 8, net.numParams());
    }

    @Test
    void extentLargerThanTheFeatureMapIsRejectedAtBuildTime() {
        var graph = new NeuralNetConfiguration.Builder().graphBuilder().addInputs("in")
                .setInputTypes(InputType.convolutional(7, 7, 8));

        var error = assertThrows(IllegalArgumentException.class, () -> new GatherExcite(8).attach(graph, "ge", "in", 8));

        assertEquals("ge: extent 8 does not fit the 7x7 feature map of 'in'; use an extent of at most 7 or 0 (global)",
                error.getMessage());
    }

    @Test
    void graphWithoutInputTypesSaysHowToFixIt() {
        var graph = new NeuralNetConfiguration.Builder().graphBuilder().addInputs("in");

        var error = assertThrows(IllegalArgumentException.class, () -> new GatherExcite(0).attach(graph, "ge", "in", 8));

        assertTrue(error.getMessage().startsWith("ge: needs the spatial size of 'in'; set the graph's input types"),
                error.getMessage());
    }
}
