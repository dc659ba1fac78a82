package io.attnspark.model.backbone;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.attnspark.model.ModelSpec;
import io.attnspark.model.Models;
import io.attnspark.model.PlacedAttention;
import io.attnspark.model.Placement;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration.GraphBuilder;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.LossLayer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** MobileNetV2 against torchvision's mobilenet_v2 (fixture from src/test/python/make_backbone_fixtures.py). */
class MobileNetV2Test {

    private static JsonNode fixture;

    @BeforeAll
    static void readFixture() throws IOException {
        try (InputStream in = MobileNetV2Test.class.getResourceAsStream("/fixtures/backbone/torchvision_resnet.json")) {
            fixture = new ObjectMapper().readTree(in).get("mobilenet_v2");
        }
    }

    private static ModelSpec spec(double width) {
        return new ModelSpec("mobilenet_v2", width, 1000, 224, false, ModelSpec.NONE, Map.of());
    }

    @Test
    void parameterOwningModulesHaveTorchvisionNamesAndCounts() {
        Map<String, Long> expected = new TreeMap<>();
        fixture.get("modules").fields()
                .forEachRemaining(module -> expected.put(module.getKey(), module.getValue().get("params").asLong()));

        var actual = new TreeMap<>(Models.parameterCounts(Models.configure(spec(1.0).resolve(), new NeuralNetConfiguration.Builder())));

        assertEquals(expected, actual);
    }

    @ParameterizedTest
    @ValueSource(doubles = {0.35, 0.5, 0.75, 1.0, 1.3, 1.4})
    void widthMultiplierRoundsLikeTorchvision(double width) {
        long expected = fixture.get("total_params_by_width").get(String.valueOf(width)).asLong();

        assertEquals(expected, Models.parameterCount(spec(width).resolve()));
    }

    @Test
    void attentionFollowsTheDepthwiseConvOfEveryBlockOnTheExpandedChannels() {
        var module = new RecordingAttention();
        GraphBuilder graph = new NeuralNetConfiguration.Builder().graphBuilder()
                .addInputs("input")
                .setInputTypes(InputType.convolutional(32, 32, 3));
        String logits = MobileNetV2.MOBILENET_V2.addLogits(graph, "input", 1.0, true, 10,
                new PlacedAttention(module, Placement.STANDARD));
        graph.addLayer("output", new LossLayer.Builder().build(), logits).setOutputs("output");
        ComputationGraphConfiguration configuration = graph.build();

        assertEquals(MobileNetV2.MOBILENET_V2.blockCount(), module.calls.size());
        // expand ratio 1: the depthwise conv is conv.0, on the stem's 32 channels
        assertEquals("features.1.attn features.1.conv.0.2 32", module.calls.get(0));
        // 24 -> 6 x 24 = 144 expanded channels, depthwise conv.1
        assertEquals("features.3.attn features.3.conv.1.2 144", module.calls.get(2));
        assertEquals("features.17.attn features.17.conv.1.2 960", module.calls.get(16));
        assertEquals(List.of("features.3.attn_gate"), configuration.getVertexInputs().get("features.3.conv.2"));
        assertEquals(List.of("features.3.conv.3", "features.2.conv.3"), configuration.getVertexInputs().get("features.3.add"));
    }
}
