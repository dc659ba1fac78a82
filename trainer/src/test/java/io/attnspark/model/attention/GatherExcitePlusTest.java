package io.attnspark.model.attention;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.Map;

import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class GatherExcitePlusTest extends AttentionModuleContract {

    @Override
    String registryName() {
        return "ge_plus";
    }

    @Override
    Map<String, Object> fixtureOptions() {
        // r=4 keeps a bottleneck at the small fixture channel counts
        return Map.of("extent", 2, "reduction", 4);
    }

    @Override
    List<String> fixtures() {
        return List.of("ge_plus_e2_2x24x3x5", "ge_plus_e2_3x32x2x3");
    }

    @Override
    AttentionModule gradientCheckModule() {
        return new GatherExcitePlus(2, 2);
    }

    /**
     * Small enough that central differences resolve gradients near 1e-5 (at the contract's 2x8x3x3 the score is
     * near 12 and its rounding costs 1e-9 of difference); extent 2 on 2x3 still resizes a 1x2 gate to 2x3.
     */
    @Override
    long[] gradientCheckShape() {
        return new long[] {2, 4, 2, 3};
    }

    @ParameterizedTest
    @CsvSource({"ge_plus_e4_2x8x5x7, 4", "ge_plus_e0_2x24x3x5, 0"})
    void otherExtentsMatchPyTorch(String fixtureName, int extent) {
        PyTorchFixtures.assertForwardMatches(new GatherExcitePlus(extent, 4), fixtureName);
    }

    @Test
    void optionsComeFromTheRegistryWithDefaults() {
        assertEquals(new GatherExcitePlus(0, 16), AttentionRegistry.create("ge_plus", Map.of()));
        assertEquals(new GatherExcitePlus(4, 8), AttentionRegistry.create("ge_plus", Map.of("extent", 4, "reduction", 8)));
    }

    @Test
    void tooFewChannelsForTheReductionSaysHowToFixIt() {
        var graph = new NeuralNetConfiguration.Builder().graphBuilder().addInputs("in")
                .setInputTypes(InputType.convolutional(4, 4, 8));

        var error = assertThrows(IllegalArgumentException.class, () -> new GatherExcitePlus(0, 16).attach(graph, "ge", "in", 8));

        assertEquals("ge_plus: 8 channels with reduction 16 leaves 0 bottleneck channels; lower 'reduction' to at most 8",
                error.getMessage());
    }
}
