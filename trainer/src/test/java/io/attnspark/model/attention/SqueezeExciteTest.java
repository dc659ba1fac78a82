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
import org.nd4j.linalg.api.buffer.DataType;

class SqueezeExciteTest extends AttentionModuleContract {

    @Override
    String registryName() {
        return "se";
    }

    @Override
    Map<String, Object> fixtureOptions() {
        // the fixtures use r=4 so that the small fixture channel counts keep a bottleneck of 6 and 8
        return Map.of("reduction", 4);
    }

    @Override
    List<String> fixtures() {
        return List.of("se_2x24x3x5", "se_3x32x2x3");
    }

    @Override
    AttentionModule gradientCheckModule() {
        return new SqueezeExcite(2, 0);
    }

    @Test
    void optionsComeFromTheRegistryWithDefaults() {
        assertEquals(new SqueezeExcite(16, 0), AttentionRegistry.create("se", Map.of()));
        assertEquals(new SqueezeExcite(8, 8), AttentionRegistry.create("se", Map.of("reduction", "8", "divisor", 8L)));
    }

    @Test
    void unknownOptionListsTheValidOnes() {
        var error = assertThrows(IllegalArgumentException.class, () -> AttentionRegistry.create("se", Map.of("ratio", 4)));

        assertEquals("se: unknown option(s) [ratio]; valid options: divisor, reduction", error.getMessage());
    }

    @Test
    void nonIntegralOptionIsRejected() {
        var error = assertThrows(IllegalArgumentException.class, () -> AttentionRegistry.create("se", Map.of("reduction", 2.5)));

        assertTrue(error.getMessage().contains("'reduction' must be a whole number"), error.getMessage());
    }

    @Test
    void unknownModuleNameListsTheKnownOnes() {
        var error = assertThrows(IllegalArgumentException.class, () -> AttentionRegistry.create("sse", Map.of()));

        assertTrue(error.getMessage().contains("known: none, ") && error.getMessage().contains("se"), error.getMessage());
    }

    @Test
    void tooFewChannelsForTheReductionSaysHowToFixIt() {
        var graph = new NeuralNetConfiguration.Builder().graphBuilder().addInputs("in");

        var error = assertThrows(IllegalArgumentException.class, () -> new SqueezeExcite(16, 0).attach(graph, "se", "in", 8));

        assertTrue(error.getMessage().startsWith("se: 8 channels with reduction 16 leaves 0 bottleneck channels; lower 'reduction'"),
                error.getMessage());
    }

    @Test
    void invalidReductionIsRejected() {
        assertThrows(IllegalArgumentException.class, () -> new SqueezeExcite(0, 0));
        assertThrows(IllegalArgumentException.class, () -> new SqueezeExcite(16, -8));
    }

    /** modules.md: resnet18 11,689,512 params, + timm SE (r=16, divisor 8) 11,779,624; SE at 2 blocks per stage. */
    @Test
    void timmDivisorGivesThePublishedResNet18SeParameterCount() {
        int[] blockChannels = {64, 64, 128, 128, 256, 256, 512, 512};

        assertEquals(11_779_624L - 11_689_512L, seParams(new SqueezeExcite(16, 8), blockChannels));
    }

    /** modules.md: resnet50 25,557,032 params, + SE (r=16) 28,088,024; SE on the 4× expanded block outputs. */
    @Test
    void seedBottleneckGivesThePublishedResNet50SeParameterCount() {
        int[] blockChannels = {256, 256, 256, 512, 512, 512, 512, 1024, 1024, 1024, 1024, 1024, 1024, 2048, 2048, 2048};

        assertEquals(28_088_024L - 25_557_032L, seParams(new SqueezeExcite(16, 0), blockChannels));
    }

    /** The parameter count of the SE modules alone, one per entry of {@code channels}. */
    private static long seParams(SqueezeExcite se, int... channels) {
        long total = 0;
        for (int c : channels) {
            var graph = new NeuralNetConfiguration.Builder().graphBuilder().addInputs("in")
                    .setInputTypes(InputType.convolutional(4, 4, c));
            graph.setOutputs(se.attach(graph, "se", "in", c));
            var net = new ComputationGraph(graph.build());
            net.init();
            total += net.numParams();
        }
        return total;
    }
}
