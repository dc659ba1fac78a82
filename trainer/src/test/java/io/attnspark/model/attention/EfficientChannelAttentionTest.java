package io.attnspark.model.attention;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

class EfficientChannelAttentionTest extends AttentionModuleContract {

    @Override
    String registryName() {
        return "eca";
    }

    @Override
    Map<String, Object> fixtureOptions() {
        // adaptive kernel size: 3 at 24 channels, 5 at 256 (the fixtures' conv.weight shapes say which PyTorch used)
        return Map.of();
    }

    @Override
    List<String> fixtures() {
        return List.of("eca_2x24x3x5", "eca_1x256x1x3");
    }

    @Override
    AttentionModule gradientCheckModule() {
        return new EfficientChannelAttention(3, 2, 1);
    }

    @Test
    void optionsComeFromTheRegistryWithDefaults() {
        assertEquals(new EfficientChannelAttention(0, 2, 1), AttentionRegistry.create("eca", Map.of()));
        assertEquals(new EfficientChannelAttention(5, 2, 1), AttentionRegistry.create("eca", Map.of("kernelSize", 5)));
    }

    @Test
    void fixedKernelSizeOverridesTheAdaptiveOne() {
        assertEquals(7, new EfficientChannelAttention(7, 2, 1).kernelSize(16));
    }

    @Test
    void evenKernelSizeIsRejected() {
        var error = assertThrows(IllegalArgumentException.class, () -> AttentionRegistry.create("eca", Map.of("kernelSize", 4)));

        assertTrue(error.getMessage().startsWith("eca: 'kernelSize' must be odd"), error.getMessage());
    }
}
