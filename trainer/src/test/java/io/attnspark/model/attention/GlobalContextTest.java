package io.attnspark.model.attention;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.Set;

import io.attnspark.model.attention.AttentionTestSupport.Fixture;
import io.attnspark.model.attention.GlobalContext.Fusion;
import io.attnspark.model.attention.GlobalContext.Pooling;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/** The seed's default GC block: attention pooling and channel add. */
class GlobalContextTest extends AttentionModuleContract {

    @Override
    String registryName() {
        return "gc";
    }

    @Override
    Map<String, Object> fixtureOptions() {
        // the fixtures use ratio 1/4 (the paper's best) so that 24 and 32 channels keep 6 and 8 transform channels
        return Map.of("reduction", 4);
    }

    @Override
    List<String> fixtures() {
        return List.of("gc_2x24x3x5", "gc_3x32x2x3");
    }

    @Override
    AttentionModule gradientCheckModule() {
        return new GlobalContext(2, Pooling.ATT, Fusion.ADD);
    }

    /** see {@link #maskBiasDoesNotChangeTheOutput()} */
    @Override
    Set<String> gradientCheckExcludedParams() {
        return Set.of(AttentionTestSupport.PREFIX + "_mask_b");
    }

    /**
     * The torch block's {@code conv_mask.bias} shifts all logits of the softmax alike, so its exact gradient is 0 and
     * the gradient check skips it; it stays a parameter so that the parameter count and state_dict match torch's.
     */
    @Test
    void maskBiasDoesNotChangeTheOutput() {
        Fixture fixture = AttentionTestSupport.fixture(fixtures().get(0));
        ComputationGraph net = AttentionTestSupport.moduleGraph(fixtureModule(), fixture.input().shape(), DataType.FLOAT);
        INDArray before = net.outputSingle(fixture.input());

        net.getParam(AttentionTestSupport.PREFIX + "_mask_b").addi(3.0);

        assertTrue(AttentionTestSupport.maxAbsDiff(before, net.outputSingle(fixture.input())) <= 1e-6);
    }

    /** The other pooling and fusion, average pooling and channel mul (sigmoid), against their own fixture. */
    @Nested
    class AveragePoolingAndChannelMul extends AttentionModuleContract {

        @Override
        String registryName() {
            return "gc";
        }

        @Override
        Map<String, Object> fixtureOptions() {
            return Map.of("reduction", 4, "pooling", "avg", "fusion", "mul");
        }

        @Override
        List<String> fixtures() {
            return List.of("gc_avg_mul_2x24x3x5");
        }

        @Override
        AttentionModule gradientCheckModule() {
            return new GlobalContext(2, Pooling.AVG, Fusion.MUL);
        }
    }

    @Test
    void optionsComeFromTheRegistryWithDefaults() {
        assertEquals(new GlobalContext(16, Pooling.ATT, Fusion.ADD), AttentionRegistry.create("gc", Map.of()));
        assertEquals(new GlobalContext(4, Pooling.AVG, Fusion.MUL),
                AttentionRegistry.create("gc", Map.of("reduction", "4", "pooling", "AVG", "fusion", "mul")));
    }

    @Test
    void unknownPoolingListsTheValidOnes() {
        var error = assertThrows(IllegalArgumentException.class, () -> AttentionRegistry.create("gc", Map.of("pooling", "max")));

        assertEquals("gc: option 'pooling' must be one of att, avg; got 'max'", error.getMessage());
    }

    @Test
    void tooFewChannelsForTheReductionSaysHowToFixIt() {
        var graph = new NeuralNetConfiguration.Builder().graphBuilder().addInputs("in");

        var error = assertThrows(IllegalArgumentException.class,
                () -> new GlobalContext(16, Pooling.ATT, Fusion.ADD).attach(graph, "gc", "in", 8));

        assertTrue(error.getMessage().startsWith("gc: 8 channels with reduction 16 leaves 0 transform channels; lower"),
                error.getMessage());
    }

    @Test
    void torchKeysFollowTheFusion() {
        assertEquals(6, new GlobalContext(4, Pooling.AVG, Fusion.MUL).torchParams("gc", 24).size());
        assertTrue(new GlobalContext(4, Pooling.AVG, Fusion.MUL).torchParams("gc", 24).stream()
                .allMatch(param -> param.torchKey().startsWith("channel_mul_conv.")));
        assertEquals(8, new GlobalContext(4, Pooling.ATT, Fusion.ADD).torchParams("gc", 24).size());
    }
}
