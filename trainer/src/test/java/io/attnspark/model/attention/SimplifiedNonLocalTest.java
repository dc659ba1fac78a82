package io.attnspark.model.attention;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;

class SimplifiedNonLocalTest extends AttentionModuleContract {

    @Override
    String registryName() {
        return "snl";
    }

    @Override
    Map<String, Object> fixtureOptions() {
        return Map.of();
    }

    @Override
    List<String> fixtures() {
        return List.of("snl_2x24x3x5", "snl_3x32x2x3");
    }

    @Override
    AttentionModule gradientCheckModule() {
        return new SimplifiedNonLocal();
    }

    /** conv_mask.bias shifts all softmax logits alike, so its exact gradient is 0 (see GlobalContextTest) */
    @Override
    Set<String> gradientCheckExcludedParams() {
        return Set.of(AttentionTestSupport.PREFIX + "_mask_b");
    }

    @Test
    void hasNoOptions() {
        var error = assertThrows(IllegalArgumentException.class, () -> AttentionRegistry.create("snl", Map.of("reduction", 2)));

        assertEquals("snl: unknown option(s) [reduction]; valid options: none", error.getMessage());
    }
}
