package io.attnspark.model.attention;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.Set;

import io.attnspark.model.attention.MultiHeadSelfAttention.PositionEncoding;
import io.attnspark.model.layer.DotProductAttentionVertex;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.junit.jupiter.api.Test;

/** The seed's MHSA: as an add-on (the original fixtures) and as a 3×3 conv with other channels and stride 2. */
class MultiHeadSelfAttentionTest extends ConvReplacementContract {

    @Override
    String registryName() {
        return "mhsa";
    }

    @Override
    Map<String, Object> fixtureOptions() {
        // the seed's 8 heads: 3 channels per head at 24 channels, 4 at 32
        return Map.of();
    }

    @Override
    List<String> fixtures() {
        return List.of("mhsa_2x24x3x5", "mhsa_3x32x2x3");
    }

    /** 24 → 32 channels with stride 2 on a 7×9 map (the pool's last window is partial), and 32 → 16 at stride 1 */
    @Override
    List<ConvFixture> convFixtures() {
        return List.of(new ConvFixture("mhsa_o32_s2_2x24x7x9", 2), new ConvFixture("mhsa_o16_3x32x2x3", 1));
    }

    /** two heads of 4 channels, so the check covers the per-head split */
    @Override
    AttentionModule gradientCheckModule() {
        return new MultiHeadSelfAttention(2);
    }

    /**
     * 4 → 8 channels, stride 2 on 4×3: the pool's last column is partial. (At the contract's 5×5 with batch 3 one or
     * two entries of ~1e-3 differ by ~2e-8, finite-difference noise of the larger loss, just over the 1e-5 bound.)
     */
    @Override
    long[] convGradientCheckShape() {
        return new long[] {2, 4, 4, 3};
    }

    @Test
    void optionsComeFromTheRegistryWithDefaults() {
        assertEquals(new MultiHeadSelfAttention(8, PositionEncoding.NONE, false), AttentionRegistry.create("mhsa", Map.of()));
        assertEquals(new MultiHeadSelfAttention(4), AttentionRegistry.create("mhsa", Map.of("heads", "4")));
        assertEquals(new MultiHeadSelfAttention(8, PositionEncoding.RELATIVE, false),
                AttentionRegistry.create("mhsa", Map.of("pos", "relative")));
        // timm's and BoTNet's 4 heads
        assertEquals(new MultiHeadSelfAttention(4, PositionEncoding.RELATIVE, true),
                AttentionRegistry.create("mhsa", Map.of("pos", "relative", "timm", 1)));
        assertEquals(new MultiHeadSelfAttention(2, PositionEncoding.NONE, true),
                AttentionRegistry.create("mhsa", Map.of("timm", "1", "heads", 2)));
    }

    @Test
    void invalidOptionsAreRejected() {
        assertThrows(IllegalArgumentException.class, () -> new MultiHeadSelfAttention(0));
        var pos = assertThrows(IllegalArgumentException.class, () -> AttentionRegistry.create("mhsa", Map.of("pos", "absolute")));
        assertEquals("mhsa: option 'pos' must be one of none, relative; got 'absolute'", pos.getMessage());
        var timm = assertThrows(IllegalArgumentException.class, () -> AttentionRegistry.create("mhsa", Map.of("timm", 2)));
        assertTrue(timm.getMessage().startsWith("mhsa: option 'timm' must be 0"), timm.getMessage());
        var unknown = assertThrows(IllegalArgumentException.class, () -> AttentionRegistry.create("mhsa", Map.of("bias", 0)));
        assertEquals("mhsa: unknown option(s) [bias]; valid options: heads, pos, timm", unknown.getMessage());
    }

    @Test
    void headsThatDoNotDivideTheChannelsSayHowToFixIt() {
        var graph = new NeuralNetConfiguration.Builder().graphBuilder().addInputs("in");

        var error = assertThrows(IllegalArgumentException.class, () -> new MultiHeadSelfAttention(8).attach(graph, "mhsa", "in", 20));

        assertTrue(error.getMessage().startsWith("mhsa: 20 channels do not split into 8 heads of equal size; set 'heads'"),
                error.getMessage());
    }

    /** As a conv it is the output channels that the heads split. */
    @Test
    void headsThatDoNotDivideTheOutputChannelsSayHowToFixIt() {
        var graph = new NeuralNetConfiguration.Builder().graphBuilder().addInputs("in");

        var error = assertThrows(IllegalArgumentException.class,
                () -> new MultiHeadSelfAttention(8).attach(graph, "mhsa", "in", 24, 20, 2));

        assertTrue(error.getMessage().startsWith("mhsa: 20 channels do not split into 8 heads of equal size"), error.getMessage());
    }

    @Test
    void onlyStridesOneAndTwoAreAccepted() {
        var graph = new NeuralNetConfiguration.Builder().graphBuilder().addInputs("in");

        var error = assertThrows(IllegalArgumentException.class,
                () -> new MultiHeadSelfAttention(8).attach(graph, "mhsa", "in", 16, 16, 3));

        assertTrue(error.getMessage().startsWith("mhsa: stride must be 1 or 2"), error.getMessage());
    }

    /** The add-on keeps the seed's graph: qkv with bias, the parameter-free attention vertex, the output projection. */
    @Test
    void addOnIsTheSeedsModuleAndTheConvFormKeepsTheBlocksBatchNorm() {
        var module = new MultiHeadSelfAttention(8);
        var graph = new NeuralNetConfiguration.Builder().graphBuilder().addInputs("in")
                .setInputTypes(InputType.convolutional(4, 4, 16));

        assertEquals("att_out", module.attach(graph, "att", "in", 16));

        assertEquals(Set.of("att_qkv", "att_attend", "att_out"), graph.getVertices().keySet());
        assertInstanceOf(DotProductAttentionVertex.class, graph.getVertices().get("att_attend"));
        assertFalse(module.normalizesAndActivates());
        assertEquals(List.of("to_qkv.to_qkv.weight", "to_qkv.to_qkv.bias", "to_output.weight", "to_output.bias"),
                module.torchParams("att", 16).stream().map(TorchParam::torchKey).toList());
    }
}
