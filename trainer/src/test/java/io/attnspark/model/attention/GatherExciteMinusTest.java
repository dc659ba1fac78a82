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

class GatherExciteMinusTest extends AttentionModuleContract {

    @Override
    String registryName() {
        return "ge_minus";
    }

    @Override
    Map<String, Object> fixtureOptions() {
        return Map.of("extent", 2);
    }

    @Override
    List<String> fixtures() {
        return List.of("ge_minus_e2_2x24x3x5", "ge_minus_e2_3x32x2x3");
    }

    @Override
    AttentionModule gradientCheckModule() {
        return new GatherExciteMinus(2);
    }

    /** extent 4 on 5x7: PyTorch's nearest rule maps rows 0,0,0,1,1, where repeating each cell 4 times gives 0,0,0,0,1 */
    @ParameterizedTest
    @CsvSource({"ge_minus_e4_2x8x5x7, 4", "ge_minus_e0_2x24x3x5, 0"})
    void otherExtentsMatchPyTorch(String fixtureName, int extent) {
        PyTorchFixtures.assertForwardMatches(new GatherExciteMinus(extent), fixtureName);
    }

    @Test
    void optionsComeFromTheRegistryWithDefaults() {
        assertEquals(new GatherExciteMinus(0), AttentionRegistry.create("ge_minus", Map.of()));
        assertEquals(new GatherExciteMinus(8), AttentionRegistry.create("ge_minus", Map.of("extent", "8")));
    }

    @Test
    void extentThatIsNotAPowerOfTwoIsRejected() {
        var error = assertThrows(IllegalArgumentException.class, () -> new GatherExciteMinus(3));

        assertEquals("ge_minus: 'extent' must be 0 (global) or a power of two such as 2, 4 or 8 (the paper's extents;"
                + " GE-θ needs log2(extent) stride-2 convolutions), got 3", error.getMessage());
    }

    @Test
    void extentLargerThanTheFeatureMapIsRejectedAtBuildTime() {
        var graph = new NeuralNetConfiguration.Builder().graphBuilder().addInputs("in")
                .setInputTypes(InputType.convolutional(3, 5, 8));

        var error = assertThrows(IllegalArgumentException.class, () -> new GatherExciteMinus(4).attach(graph, "ge", "in", 8));

        assertEquals("ge_minus: extent 4 does not fit the 3x5 feature map of 'in'; use an extent of at most 3 or 0 (global)",
                error.getMessage());
    }
}
