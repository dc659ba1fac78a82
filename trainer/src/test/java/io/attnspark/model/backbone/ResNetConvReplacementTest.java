package io.attnspark.model.backbone;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import io.attnspark.model.AttentionPosition;
import io.attnspark.model.ModelSpec;
import io.attnspark.model.Models;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.factory.Nd4j;

/** A {@link io.attnspark.model.attention.ConvReplacement} (here SK) takes the place of each attended block's strided 3x3 conv. */
class ResNetConvReplacementTest {

    private static ComputationGraph build(String backbone, double width, Set<Integer> stages) {
        var spec = new ModelSpec(backbone, width, 10, 16, true, "sk", Map.of("reduction", 4), AttentionPosition.CONV,
                new TreeSet<>(stages));
        return Models.build(spec.resolve(), new NeuralNetConfiguration.Builder().seed(3));
    }

    @Test
    void basicBlockReplacesConv1AndItsBatchNormAndReluInAttendedStagesOnly() {
        ComputationGraph net = build("resnet18", 0.25, Set.of(2));
        var vertices = net.getConfiguration().getVertices().keySet();

        assertTrue(vertices.contains("layer2.0.conv1_weigh") && vertices.contains("layer2.1.conv1_weigh"));
        assertFalse(vertices.contains("layer2.0.conv1") || vertices.contains("layer2.0.bn1") || vertices.contains("layer2.0.relu1"));
        assertTrue(vertices.contains("layer2.0.conv2") && vertices.contains("layer1.0.conv1") && vertices.contains("layer3.0.conv1"));
        assertFalse(vertices.stream().anyMatch(name -> name.contains(".attn")), "a conv replacement is not also attached as an add-on");
        assertEquals("layer2.0.conv1_weigh", net.getConfiguration().getVertexInputs().get("layer2.0.conv2").get(0));

        assertArrayEquals(new long[] {2, 10}, net.outputSingle(Nd4j.rand(DataType.FLOAT, 2, 3, 16, 16)).shape());
    }

    @Test
    void bottleneckReplacesConv2WithTheBlockStride() {
        ComputationGraph net = build("resnet50", 0.25, Set.of(1, 2, 3, 4));
        var vertices = net.getConfiguration().getVertices().keySet();

        assertTrue(vertices.contains("layer3.0.conv2_weigh"));
        assertFalse(vertices.contains("layer3.0.conv2") || vertices.contains("layer3.0.bn2") || vertices.contains("layer3.0.relu2"));
        assertEquals("layer3.0.conv2_weigh", net.getConfiguration().getVertexInputs().get("layer3.0.conv3").get(0));

        assertArrayEquals(new long[] {2, 10}, net.outputSingle(Nd4j.rand(DataType.FLOAT, 2, 3, 16, 16)).shape());
    }

    @Test
    void replacingConvsIsSkDefaultAndAnAddOnPositionKeepsItsShapeKeepingForm() {
        var byDefault = new ModelSpec("resnet18", 0.25, 10, 16, true, "sk", Map.of("reduction", 4));
        var standard = new ModelSpec("resnet18", 0.25, 10, 16, true, "sk", Map.of("reduction", 4),
                AttentionPosition.STANDARD, ModelSpec.ALL_STAGES);

        assertEquals(AttentionPosition.CONV, byDefault.resolve().attention().position());
        var vertices = Models.configure(standard.resolve(), new NeuralNetConfiguration.Builder()).getVertices().keySet();
        assertTrue(vertices.contains("layer1.0.conv1") && vertices.contains("layer1.0.attn_weigh"));
    }

    @Test
    void onlyModulesThatReplaceAConvTakePositionConv() {
        var spec = new ModelSpec("resnet18", 0.25, 10, 16, true, "se", Map.of(), AttentionPosition.CONV, ModelSpec.ALL_STAGES);

        var error = assertThrows(IllegalArgumentException.class, () -> Models.parameterCount(spec.resolve()));

        assertTrue(error.getMessage().startsWith("se does not replace a convolution, so it cannot take position conv;"
                + " modules that do: "), error.getMessage());
        assertTrue(error.getMessage().contains("sk"), error.getMessage());
    }

    /** BoTNet, mhsa's default placement: in place of stage 4's 3x3 convs, the first with stride 2; BN and ReLU stay. */
    @Test
    void resnet50WithMhsaInStage4BuildsAndRuns() {
        for (Map<String, Object> options : List.<Map<String, Object>>of(Map.of("heads", 4), Map.of("pos", "relative", "timm", 1))) {
            var spec = new ModelSpec("resnet50", 0.25, 10, 32, true, "mhsa", options);
            ComputationGraph net = Models.build(spec.resolve(), new NeuralNetConfiguration.Builder().seed(3));
            var vertices = net.getConfiguration().getVertices().keySet();

            assertTrue(vertices.contains("layer4.0.conv2_attend") && vertices.contains("layer4.0.conv2_pool")
                    && vertices.contains("layer4.2.conv2_attend") && !vertices.contains("layer4.1.conv2_pool"), options.toString());
            assertTrue(vertices.contains("layer4.0.bn2") && !vertices.contains("layer4.0.conv2") && vertices.contains("layer3.0.conv2"));
            assertArrayEquals(new long[] {2, 10}, net.outputSingle(Nd4j.rand(DataType.FLOAT, 2, 3, 32, 32)).shape());
        }
    }
}
