package io.attnspark.model;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Trainable parameter counts against PyTorch 1.13 / torchvision 0.14 (shared/reference/modules.md). */
class ModelsParameterCountTest {

    @ParameterizedTest(name = "{0}")
    @CsvSource({
            "resnet18, 11689512",
            "resnet34, 21797672",
            "resnet50, 25557032",
            "resnet101, 44549160",
            "resnext50_32x4d, 25028904",
            "mobilenet_v2, 3504872",
    })
    void torchvisionCountAtImageNetSize(String backbone, long torchvisionCount) {
        var spec = new ModelSpec(backbone, 1.0, 1000, 224, false, ModelSpec.NONE, Map.of());

        assertEquals(torchvisionCount, Models.parameterCount(spec.resolve()));
    }
}
