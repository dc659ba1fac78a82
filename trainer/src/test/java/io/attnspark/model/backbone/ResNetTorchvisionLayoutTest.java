package io.attnspark.model.backbone;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.attnspark.model.ModelSpec;
import io.attnspark.model.Models;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Compares our ResNets with torchvision's, from the fixture written by src/test/python/make_backbone_fixtures.py:
 * every torchvision module that owns parameters exists under the same name with the same count, and the stage
 * outputs have torchvision's shapes, including at an odd input size.
 */
class ResNetTorchvisionLayoutTest {

    private static JsonNode fixture;

    @BeforeAll
    static void readFixture() throws IOException {
        try (InputStream in = ResNetTorchvisionLayoutTest.class.getResourceAsStream("/fixtures/backbone/torchvision_resnet.json")) {
            fixture = new ObjectMapper().readTree(in);
        }
    }

    private static ComputationGraphConfiguration configure(String backbone, int imageSize, boolean smallStem) {
        var spec = new ModelSpec(backbone, 1.0, 1000, imageSize, smallStem, ModelSpec.NONE, Map.of());
        return Models.configure(spec.resolve(), new NeuralNetConfiguration.Builder());
    }

    @ParameterizedTest
    @ValueSource(strings = {"resnet18", "resnet50", "resnext50_32x4d"})
    void parameterOwningModulesHaveTorchvisionNamesAndCounts(String backbone) {
        Map<String, Long> expected = new TreeMap<>();
        fixture.get(backbone).get("modules").fields()
                .forEachRemaining(module -> expected.put(module.getKey(), module.getValue().get("params").asLong()));

        Map<String, Long> actual = new TreeMap<>(Models.parameterCounts(configure(backbone, 224, false)));

        assertEquals(expected, actual);
    }

    @ParameterizedTest(name = "{0} {1}")
    @CsvSource({
            "resnet18, imagenet_224",
            "resnet18, imagenet_37",
            "resnet18, small_37",
            "resnet50, imagenet_224",
            "resnet50, imagenet_37",
            "resnet50, small_37",
            "resnext50_32x4d, imagenet_37",
    })
    void stageOutputShapesAreTorchvisions(String backbone, String setting) {
        boolean smallStem = setting.startsWith("small");
        int imageSize = Integer.parseInt(setting.substring(setting.indexOf('_') + 1));
        ResNet resNet = (ResNet) Backbones.find(backbone).orElseThrow();
        Map<String, InputType> types = configure(backbone, imageSize, smallStem)
                .getLayerActivationTypes(InputType.convolutional(imageSize, imageSize, 3));
        // torchvision's maxpool is an Identity in the small stem, whose output is then the stem's BN + ReLU
        Map<String, String> vertexOfModule = Map.of(
                "conv1", "conv1",
                "maxpool", smallStem ? "bn1" : "maxpool",
                "layer1", resNet.stageOutput(1),
                "layer2", resNet.stageOutput(2),
                "layer3", resNet.stageOutput(3),
                "layer4", resNet.stageOutput(4));

        fixture.get(backbone).get("shapes").get(setting).fields().forEachRemaining(module -> {
            var type = (InputType.InputTypeConvolutional) types.get(vertexOfModule.get(module.getKey()));
            List<Long> torchShape = List.of(module.getValue().get(0).asLong(), module.getValue().get(1).asLong(),
                    module.getValue().get(2).asLong());
            assertEquals(torchShape, List.of(type.getChannels(), type.getHeight(), type.getWidth()), module.getKey());
        });
    }
}
