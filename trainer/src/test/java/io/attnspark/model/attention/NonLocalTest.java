package io.attnspark.model.attention;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.Set;

import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

class NonLocalTest extends AttentionModuleContract {

    @Override
    String registryName() {
        return "nl";
    }

    @Override
    Map<String, Object> fixtureOptions() {
        // reduction 2, the paper's; the fixtures' BN weights are random, so zero-init plays no part
        return Map.of();
    }

    @Override
    List<String> fixtures() {
        return List.of("nl_2x24x3x5", "nl_3x32x2x3");
    }

    /** With the paper's zero BN scale no gradient would reach the attention, so the check starts from scale 1. */
    @Override
    AttentionModule gradientCheckModule() {
        return new NonLocal(2, false);
    }

    /**
     * BN's running mean and var are not trained by backprop. Three biases have an exact gradient of 0 in training mode:
     * φ's adds the same {@code θ_i · b} to every logit of query i's softmax; g's adds b to every y_i (softmax rows sum
     * to 1), a per-channel constant after the output conv, as is the output conv's bias, and BN's batch mean removes
     * those.
     */
    @Override
    Set<String> gradientCheckExcludedParams() {
        return Set.of(AttentionTestSupport.PREFIX + "_bn_mean", AttentionTestSupport.PREFIX + "_bn_var",
                AttentionTestSupport.PREFIX + "_phi_b", AttentionTestSupport.PREFIX + "_g_b",
                AttentionTestSupport.PREFIX + "_out_b");
    }

    @Test
    void optionsComeFromTheRegistryWithDefaults() {
        assertEquals(new NonLocal(2, true), AttentionRegistry.create("nl", Map.of()));
        assertEquals(new NonLocal(8, false), AttentionRegistry.create("nl", Map.of("reduction", 8, "zeroInitGamma", "false")));
    }

    @Test
    void nonBooleanZeroInitIsRejected() {
        var error = assertThrows(IllegalArgumentException.class,
                () -> AttentionRegistry.create("nl", Map.of("zeroInitGamma", "yes")));

        assertEquals("nl: option 'zeroInitGamma' must be true or false, got 'yes'", error.getMessage());
    }

    @Test
    void tooFewChannelsForTheReductionSaysHowToFixIt() {
        var graph = new NeuralNetConfiguration.Builder().graphBuilder().addInputs("in");

        var error = assertThrows(IllegalArgumentException.class, () -> new NonLocal(8, true).attach(graph, "nl", "in", 4));

        assertTrue(error.getMessage().startsWith("nl: 4 channels with reduction 8 leaves 0 inner channels; lower"),
                error.getMessage());
    }

    /** The paper's zero-initialized BN scale makes a fresh block the identity. */
    @Test
    void freshBlockIsTheIdentity() {
        long[] shape = {2, 8, 3, 5};
        ComputationGraph net = AttentionTestSupport.moduleGraph(new NonLocal(2, true), shape, DataType.FLOAT);
        INDArray x = Nd4j.rand(DataType.FLOAT, shape);

        assertEquals(x, net.outputSingle(x));
    }
}
