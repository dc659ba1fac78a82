package io.attnspark.model.attention;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;

import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.junit.jupiter.api.Test;

class BottleneckAttentionTest extends AttentionModuleContract {

    @Override
    String registryName() {
        return "bam";
    }

    @Override
    Map<String, Object> fixtureOptions() {
        // r=4 keeps a bottleneck at the small fixture channel counts; dilation stays at the default 4
        return Map.of("reduction", 4);
    }

    @Override
    List<String> fixtures() {
        return List.of("bam_2x24x3x5", "bam_3x32x2x3");
    }

    @Override
    AttentionModule gradientCheckModule() {
        return new BottleneckAttention(2, 1);
    }

    /**
     * The score grows with the number of positions, and so does its rounding in central differences: at 2x4x2x3 the
     * score is near 17 and a gradient of 9e-5 misses by 2e-9; two positions keep the score near 6.
     */
    @Override
    long[] gradientCheckShape() {
        return new long[] {2, 4, 1, 2};
    }

    /** dilation 2 on a 5x7 map: the dilated taps land inside the map, unlike the default 4 on the contract fixtures */
    @Test
    void dilatedConvolutionsMatchPyTorch() {
        PyTorchFixtures.assertForwardMatches(new BottleneckAttention(4, 2), "bam_d2_2x16x5x7");
    }

    @Test
    void trainingModeMatchesPyTorch() {
        PyTorchFixtures.assertTrainingForwardMatches(new BottleneckAttention(4, 2), "bam_d2_train_2x16x5x7");
    }

    @Test
    void optionsComeFromTheRegistryWithDefaults() {
        assertEquals(new BottleneckAttention(16, 4), AttentionRegistry.create("bam", Map.of()));
        assertEquals(new BottleneckAttention(8, 2), AttentionRegistry.create("bam", Map.of("reduction", 8, "dilation", "2")));
    }

    @Test
    void invalidDilationIsRejected() {
        var error = assertThrows(IllegalArgumentException.class, () -> AttentionRegistry.create("bam", Map.of("dilation", 0)));

        assertTrue(error.getMessage().startsWith("bam: 'dilation' must be at least 1"), error.getMessage());
    }

    @Test
    void tooFewChannelsForTheReductionSaysHowToFixIt() {
        var graph = new NeuralNetConfiguration.Builder().graphBuilder().addInputs("in");

        var error = assertThrows(IllegalArgumentException.class, () -> new BottleneckAttention(16, 4).attach(graph, "bam", "in", 8));

        assertEquals("bam: 8 channels with reduction 16 leaves 0 bottleneck channels; lower 'reduction' to at most 8",
                error.getMessage());
    }
}
