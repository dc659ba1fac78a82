package io.attnspark.model.attention;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;

import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.junit.jupiter.api.Test;

class MultiHeadSelfAttentionTest extends AttentionModuleContract {

    @Override
    String registryName() {
        return "mhsa";
    }

    @Override
    Map<String, Object> fixtureOptions() {
        // the seed's 8 heads: 3 channels per head at 24 channels, 4 at 32
        return Map.of();
    }

    @Override
    List<String> fixtures() {
        return List.of("mhsa_2x24x3x5", "mhsa_3x32x2x3");
    }

    /** two heads of 4 channels, so the check covers the per-head split */
    @Override
    AttentionModule gradientCheckModule() {
        return new MultiHeadSelfAttention(2);
    }

    @Test
    void optionsComeFromTheRegistryWithDefaults() {
        assertEquals(new MultiHeadSelfAttention(8), AttentionRegistry.create("mhsa", Map.of()));
        assertEquals(new MultiHeadSelfAttention(4), AttentionRegistry.create("mhsa", Map.of("heads", "4")));
    }

    @Test
    void headsThatDoNotDivideTheChannelsSayHowToFixIt() {
        var graph = new NeuralNetConfiguration.Builder().graphBuilder().addInputs("in");

        var error = assertThrows(IllegalArgumentException.class, () -> new MultiHeadSelfAttention(8).attach(graph, "mhsa", "in", 20));

        assertTrue(error.getMessage().startsWith("mhsa: 20 channels do not split into 8 heads of equal size; set 'heads'"),
                error.getMessage());
    }

    @Test
    void invalidHeadsAreRejected() {
        assertThrows(IllegalArgumentException.class, () -> new MultiHeadSelfAttention(0));
    }
}
