package io.attnspark.model.attention;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.Map;

import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.junit.jupiter.api.Test;

class CondConvolutionTest extends ConvReplacementContract {

    @Override
    String registryName() {
        return "condconv";
    }

    @Override
    Map<String, Object> fixtureOptions() {
        // 3 experts keep the committed fixtures small
        return Map.of("experts", 3);
    }

    @Override
    List<String> fixtures() {
        return List.of("condconv_2x6x7x9", "condconv_3x8x5x4");
    }

    @Override
    List<ConvFixture> convFixtures() {
        return List.of(new ConvFixture("condconv_o10_s2_2x6x5x7", 2));
    }

    @Override
    AttentionModule gradientCheckModule() {
        return new CondConvolution(3, true);
    }

    @Override
    long[] gradientCheckShape() {
        return new long[] {2, 3, 3, 3};
    }

    @Override
    long[] convGradientCheckShape() {
        return new long[] {2, 2, 4, 3};
    }

    @Test
    void withoutExpertBiasesMatchesPyTorch() {
        PyTorchFixtures.assertForwardMatches(new CondConvolution(3, false), "condconv_nobias_2x6x5x7");
    }

    @Test
    void optionsComeFromTheRegistryWithDefaults() {
        assertEquals(new CondConvolution(8, true), AttentionRegistry.create("condconv", Map.of()));
        assertEquals(new CondConvolution(4, false), AttentionRegistry.create("condconv", Map.of("experts", "4", "bias", "false")));
        assertFalse(new CondConvolution(8, true).normalizesAndActivates());
    }

    @Test
    void invalidOptionsAreRejected() {
        var experts = assertThrows(IllegalArgumentException.class, () -> new CondConvolution(0, true));
        assertEquals("condconv: 'experts' must be at least 1, got 0", experts.getMessage());
        var bias = assertThrows(IllegalArgumentException.class, () -> AttentionRegistry.create("condconv", Map.of("bias", "yes")));
        assertEquals("condconv: option 'bias' must be true or false, got 'yes'", bias.getMessage());
        var unknown = assertThrows(IllegalArgumentException.class, () -> AttentionRegistry.create("condconv", Map.of("n", 4)));
        assertEquals("condconv: unknown option(s) [n]; valid options: bias, experts", unknown.getMessage());
        var graph = new NeuralNetConfiguration.Builder().graphBuilder().addInputs("in");
        var stride = assertThrows(IllegalArgumentException.class, () -> new CondConvolution(2, true).attach(graph, "c", "in", 8, 8, 0));
        assertEquals("condconv: stride must be at least 1, got 0", stride.getMessage());
    }
}
