package io.attnspark.model.attention;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

class SqueezeExciteVar2Test extends AttentionModuleContract {

    @Override
    String registryName() {
        return "se_var2";
    }

    @Override
    Map<String, Object> fixtureOptions() {
        return Map.of();
    }

    @Override
    List<String> fixtures() {
        return List.of("se_var2_2x24x3x5", "se_var2_3x32x2x3");
    }

    @Override
    AttentionModule gradientCheckModule() {
        return new SqueezeExciteVar2();
    }

    @Test
    void takesNoOptions() {
        var error = assertThrows(IllegalArgumentException.class, () -> AttentionRegistry.create("se_var2", Map.of("reduction", 4)));

        assertEquals("se_var2: unknown option(s) [reduction]; valid options: none", error.getMessage());
    }
}
