package io.attnspark.model.backbone;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.attnspark.model.AttentionPosition;
import io.attnspark.model.ModelSpec;
import io.attnspark.model.Models;
import io.attnspark.model.PlacedAttention;
import io.attnspark.model.Placement;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration.GraphBuilder;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.LossLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.nd4j.linalg.factory.Nd4j;

/** The SE paper's integration ablation (standard, pre, post, identity) and the choice of stages, in resnet18. */
class ResNetAttentionPositionTest {

    private static ComputationGraphConfiguration build(RecordingAttention module, AttentionPosition position,
                                                       Set<Integer> stages) {
        GraphBuilder graph = new NeuralNetConfiguration.Builder().graphBuilder()
                .addInputs("input")
                .setInputTypes(InputType.convolutional(32, 32, 3));
        String logits = ResNet.RESNET18.addLogits(graph, "input", 1.0, true, 10,
                new PlacedAttention(module, new Placement(position, new TreeSet<>(stages))));
        graph.addLayer("output", new LossLayer.Builder().build(), logits).setOutputs("output");
        return graph.build();
    }

    private static ComputationGraphConfiguration build(RecordingAttention module, AttentionPosition position) {
        return build(module, position, ModelSpec.ALL_STAGES);
    }

    @Test
    void preAttendsTheBlockInputBeforeTheFirstConvWithTheInputWidth() {
        var module = new RecordingAttention();

        ComputationGraphConfiguration configuration = build(module, AttentionPosition.PRE);

        assertEquals(8, module.calls.size());
        assertEquals("layer1.0.attn bn1 64", module.calls.get(0));
        // first block of stage 2: 64 input channels, not the block's 128
        assertEquals("layer2.0.attn layer1.1.relu 64", module.calls.get(2));
        assertEquals(List.of("layer2.0.attn_gate"), configuration.getVertexInputs().get("layer2.0.conv1"));
        // the shortcut still takes the raw block input
        assertEquals(List.of("layer1.1.relu"), configuration.getVertexInputs().get("layer2.0.downsample.0"));
        assertEquals(List.of("layer2.0.bn2", "layer2.0.downsample.1"), configuration.getVertexInputs().get("layer2.0.relu"));
        assertEquals(List.of("layer2.1.bn2", "layer2.0.relu"), configuration.getVertexInputs().get("layer2.1.relu"));
    }

    @Test
    void postAttendsTheBlockOutputAfterTheAddAndRelu() {
        var module = new RecordingAttention();

        ComputationGraphConfiguration configuration = build(module, AttentionPosition.POST);

        assertEquals("layer2.0.attn layer2.0.relu 128", module.calls.get(2));
        assertEquals(List.of("layer2.0.bn2", "layer2.0.downsample.1"), configuration.getVertexInputs().get("layer2.0.relu"));
        // the next block, branch and shortcut alike, reads the attended output
        assertEquals(List.of("layer2.0.attn_gate"), configuration.getVertexInputs().get("layer2.1.conv1"));
        assertEquals(List.of("layer2.1.bn2", "layer2.0.attn_gate"), configuration.getVertexInputs().get("layer2.1.relu"));
        assertEquals(List.of("layer4.1.attn_gate"), configuration.getVertexInputs().get("avgpool"));
    }

    @Test
    void identityAttendsTheShortcutAfterTheDownsample() {
        var module = new RecordingAttention();

        ComputationGraphConfiguration configuration = build(module, AttentionPosition.IDENTITY);

        assertEquals("layer1.0.attn bn1 64", module.calls.get(0));
        assertEquals("layer2.0.attn layer2.0.downsample.1 128", module.calls.get(2));
        assertEquals("layer2.1.attn layer2.0.relu 128", module.calls.get(3));
        assertEquals(List.of("layer2.0.bn2", "layer2.0.attn_gate"), configuration.getVertexInputs().get("layer2.0.relu"));
        assertEquals(List.of("layer2.1.bn2", "layer2.1.attn_gate"), configuration.getVertexInputs().get("layer2.1.relu"));
    }

    @Test
    void standardAttendsTheBranchAfterItsLastBn() {
        var module = new RecordingAttention();

        ComputationGraphConfiguration configuration = build(module, AttentionPosition.STANDARD);

        assertEquals("layer2.0.attn layer2.0.bn2 128", module.calls.get(2));
        assertEquals(List.of("layer2.0.attn_gate", "layer2.0.downsample.1"), configuration.getVertexInputs().get("layer2.0.relu"));
    }

    @Test
    void afterAddAttendsTheSumBeforeTheBlocksRelu() {
        var module = new RecordingAttention();

        ComputationGraphConfiguration configuration = build(module, AttentionPosition.AFTER_ADD);

        assertEquals("layer2.0.attn layer2.0.add 128", module.calls.get(2));
        assertEquals(List.of("layer2.0.bn2", "layer2.0.downsample.1"), configuration.getVertexInputs().get("layer2.0.add"));
        assertEquals(List.of("layer2.0.attn_gate"), configuration.getVertexInputs().get("layer2.0.relu"));
    }

    @Test
    void stageAttendsEachChosenStagesOutputOnce() {
        var module = new RecordingAttention();

        ComputationGraphConfiguration configuration = build(module, AttentionPosition.STAGE, Set.of(1, 2, 3));

        assertEquals(List.of("layer1.attn layer1.1.relu 64", "layer2.attn layer2.1.relu 128", "layer3.attn layer3.1.relu 256"),
                module.calls);
        assertEquals(List.of("layer1.attn_gate"), configuration.getVertexInputs().get("layer2.0.conv1"));
        assertEquals(List.of("layer3.attn_gate"), configuration.getVertexInputs().get("layer4.0.conv1"));
        assertEquals(List.of("layer4.1.relu"), configuration.getVertexInputs().get("avgpool"));
    }

    private static Placement placement(ModelSpec spec) {
        return spec.resolve().attention().placement();
    }

    /** BAM after stages 1-3 (its reference code), GC after the add in stages 2-4 (GCNet's c3-c5), SE standard everywhere. */
    @Test
    void eachModuleDefaultsToItsPapersPlacement() {
        var bam = new ModelSpec("resnet50", 0.25, 10, 32, true, "bam", Map.of());
        var gc = new ModelSpec("resnet50", 0.25, 10, 32, true, "gc", Map.of());
        var se = new ModelSpec("resnet50", 0.25, 10, 32, true, "se", Map.of());
        var seInMobileNet = new ModelSpec("mobilenet_v2", 0.25, 10, 32, true, "bam", Map.of());

        assertEquals(new Placement(AttentionPosition.STAGE, new TreeSet<>(Set.of(1, 2, 3))), placement(bam));
        assertEquals(new Placement(AttentionPosition.AFTER_ADD, new TreeSet<>(Set.of(2, 3, 4))), placement(gc));
        assertEquals(Placement.STANDARD, placement(se));
        assertEquals(Placement.STANDARD, placement(seInMobileNet));
        var vertices = Models.configure(bam.resolve(), new NeuralNetConfiguration.Builder()).getVertices().keySet();
        assertTrue(vertices.stream().anyMatch(v -> v.startsWith("layer3.attn_")));
        assertTrue(vertices.stream().noneMatch(v -> v.startsWith("layer4.attn_") || v.contains(".0.attn")));
    }

    @Test
    void onlyTheChosenStagesAttend() {
        var module = new RecordingAttention();

        ComputationGraphConfiguration configuration = build(module, AttentionPosition.STANDARD, Set.of(2, 4));

        assertEquals(List.of("layer2.0.attn layer2.0.bn2 128", "layer2.1.attn layer2.1.bn2 128",
                "layer4.0.attn layer4.0.bn2 512", "layer4.1.attn layer4.1.bn2 512"), module.calls);
        assertEquals(List.of("layer1.0.bn2", "bn1"), configuration.getVertexInputs().get("layer1.0.relu"));
    }

    /**
     * resnet50 with SE (r = 16) only in stage 4: torchvision's 25,557,032 plus one SE per stage-4 block. An SE on C
     * channels holds 2·C·C/r weights and C/r + C biases; stage 4 has 3 blocks of C = 2048, so each adds
     * 2·2048·2048/16 + 128 + 2048 = 524,288 + 2,176 = 526,464, and the three add 1,579,392: 27,136,424 in all.
     */
    @Test
    void resnet50WithSqueezeExcitationInStage4Only() {
        long c = 2048;
        long r = 16;
        long perBlock = 2 * c * c / r + c / r + c;
        long expected = 25_557_032L + 3 * perBlock;
        var spec = new ModelSpec("resnet50", 1.0, 1000, 224, false, "se", Map.of("reduction", 16),
                AttentionPosition.STANDARD, new TreeSet<>(Set.of(4)));

        assertEquals(27_136_424L, expected);
        assertEquals(expected, Models.parameterCount(spec.resolve()));
    }

    @ParameterizedTest
    @EnumSource(value = AttentionPosition.class, mode = EnumSource.Mode.EXCLUDE, names = "CONV")
    void everyAddOnPositionBuildsAndRunsWithSqueezeExcitation(AttentionPosition position) {
        var spec = new ModelSpec("resnet18", 0.125, 10, 32, true, "se", Map.of("reduction", 4), position,
                ModelSpec.ALL_STAGES);
        ComputationGraph network = Models.build(spec.resolve(), new NeuralNetConfiguration.Builder().seed(3));

        assertArrayEquals(new long[] {2, 10}, network.outputSingle(Nd4j.rand(2, 3, 32, 32)).shape());
    }

    @Test
    void mobileNetRejectsResidualPositionsAndStages() {
        var pre = new ModelSpec("mobilenet_v2", 1.0, 10, 32, true, "se", Map.of(), AttentionPosition.PRE, ModelSpec.ALL_STAGES);
        var stage4 = new ModelSpec("mobilenet_v2", 1.0, 10, 32, true, "se", Map.of(), AttentionPosition.STANDARD,
                new TreeSet<>(Set.of(4)));

        for (ModelSpec spec : List.of(pre, stage4)) {
            var error = assertThrows(IllegalArgumentException.class, () -> Models.parameterCount(spec.resolve()));
            assertTrue(error.getMessage().contains("position standard and all stages"), error.getMessage());
        }
    }

    @Test
    void stagesOutsideOneToFourAreRejected() {
        var spec = new ModelSpec("resnet18", 1.0, 10, 32, true, "se", Map.of(), AttentionPosition.STANDARD,
                new TreeSet<>(Set.of(0, 5)));

        var error = assertThrows(IllegalArgumentException.class, () -> Models.parameterCount(spec.resolve()));

        assertTrue(error.getMessage().contains("subset of [1, 2, 3, 4]"), error.getMessage());
    }
}
