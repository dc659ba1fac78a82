package io.attnspark.model.backbone;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.attnspark.model.PlacedAttention;
import io.attnspark.model.Placement;
import java.util.List;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration.GraphBuilder;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.LossLayer;
import org.junit.jupiter.api.Test;

/** The SE paper's "standard" position: every block's residual branch, after its last BN, before the add. */
class ResNetAttentionInsertionTest {

    private static ComputationGraphConfiguration build(ResNet resNet, RecordingAttention module) {
        GraphBuilder graph = new NeuralNetConfiguration.Builder().graphBuilder()
                .addInputs("input")
                .setInputTypes(InputType.convolutional(32, 32, 3));
        String logits = resNet.addLogits(graph, "input", 1.0, true, 10, new PlacedAttention(module, Placement.STANDARD));
        graph.addLayer("output", new LossLayer.Builder().build(), logits).setOutputs("output");
        return graph.build();
    }

    @Test
    void basicBlocksAttendAfterBn2WithTheBlockWidth() {
        var module = new RecordingAttention();

        ComputationGraphConfiguration configuration = build(ResNet.RESNET18, module);

        assertEquals(List.of(
                "layer1.0.attn layer1.0.bn2 64", "layer1.1.attn layer1.1.bn2 64",
                "layer2.0.attn layer2.0.bn2 128", "layer2.1.attn layer2.1.bn2 128",
                "layer3.0.attn layer3.0.bn2 256", "layer3.1.attn layer3.1.bn2 256",
                "layer4.0.attn layer4.0.bn2 512", "layer4.1.attn layer4.1.bn2 512"), module.calls);
        assertEquals(List.of("layer2.0.attn_gate", "layer2.0.downsample.1"), configuration.getVertexInputs().get("layer2.0.relu"));
        assertEquals(List.of("layer2.1.attn_gate", "layer2.0.relu"), configuration.getVertexInputs().get("layer2.1.relu"));
    }

    @Test
    void bottlenecksAttendAfterBn3WithTheExpandedWidth() {
        var module = new RecordingAttention();

        ComputationGraphConfiguration configuration = build(ResNet.RESNET50, module);

        assertEquals(16, module.calls.size());
        assertEquals("layer1.0.attn layer1.0.bn3 256", module.calls.get(0));
        assertEquals("layer4.2.attn layer4.2.bn3 2048", module.calls.get(15));
        assertEquals(List.of("layer1.0.attn_gate", "layer1.0.downsample.1"), configuration.getVertexInputs().get("layer1.0.relu"));
    }
}
