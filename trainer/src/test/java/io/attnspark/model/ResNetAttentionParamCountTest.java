package io.attnspark.model;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** SE at the "standard" position in every block, against the PyTorch count in shared/reference/modules.md. */
class ResNetAttentionParamCountTest {

    @Test
    void resnet50WithSqueezeExcitationInEveryBlock() {
        var spec = new ModelSpec("resnet50", 1.0, 1000, 224, false, "se", Map.of("reduction", 16));

        assertEquals(28_088_024L, Models.parameterCount(spec.resolve()));
    }

    @Test
    void resnext50WithSqueezeExcitationInEveryBlock() {
        var spec = new ModelSpec("resnext50_32x4d", 1.0, 1000, 224, false, "se", Map.of("reduction", 16));

        assertEquals(27_559_896L, Models.parameterCount(spec.resolve()));
    }
}
