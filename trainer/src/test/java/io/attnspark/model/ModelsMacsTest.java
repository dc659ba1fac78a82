package io.attnspark.model;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Published multiply-accumulate counts per 224 px image (torchvision model docs; modules.md for ResNet-50). */
class ModelsMacsTest {

    @ParameterizedTest(name = "{0}")
    @CsvSource({
            "resnet18, 1.82e9",
            "resnet50, 4.1e9",
            "resnext50_32x4d, 4.23e9",
            "mobilenet_v2, 0.30e9",
    })
    void withinOnePercentOfPublishedGmacs(String backbone, double publishedMacs) {
        var spec = new ModelSpec(backbone, 1.0, 1000, 224, false, ModelSpec.NONE, Map.of());

        assertEquals(publishedMacs, Models.macs(spec.resolve()), publishedMacs * 0.01);
    }
}
