package io.attnspark.model.attention;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

class SqueezeExciteVar3Test extends AttentionModuleContract {

    @Override
    String registryName() {
        return "se_var3";
    }

    @Override
    Map<String, Object> fixtureOptions() {
        return Map.of();
    }

    @Override
    List<String> fixtures() {
        return List.of("se_var3_2x24x3x5", "se_var3_3x32x2x3");
    }

    @Override
    AttentionModule gradientCheckModule() {
        return new SqueezeExciteVar3();
    }

    @Test
    void takesNoOptions() {
        var error = assertThrows(IllegalArgumentException.class, () -> AttentionRegistry.create("se_var3", Map.of("reduction", 4)));

        assertEquals("se_var3: unknown option(s) [reduction]; valid options: none", error.getMessage());
    }
}
