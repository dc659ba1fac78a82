package io.attnspark.model.attention;

import static io.attnspark.model.attention.AttentionTestSupport.PREFIX;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;

import io.attnspark.model.attention.AttentionTestSupport.Fixture;
import io.attnspark.model.attention.MultiHeadSelfAttention.PositionEncoding;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;

/** timm's BottleneckAttn (BoTNet): 4 heads, qkv without bias, no output projection, relative positions. */
class MultiHeadSelfAttentionTimmTest extends ConvReplacementContract {

    @Override
    String registryName() {
        return "mhsa";
    }

    @Override
    Map<String, Object> fixtureOptions() {
        return Map.of("pos", "relative", "timm", 1);
    }

    @Override
    List<String> fixtures() {
        return List.of("mhsa_timm_rel_2x16x5x7", "mhsa_timm_rel_3x32x2x3");
    }

    /** timm's floor-mode pool equals the strided conv's size only on even maps */
    @Override
    List<ConvFixture> convFixtures() {
        return List.of(new ConvFixture("mhsa_timm_rel_o24_s2_2x16x6x8", 2));
    }

    @Override
    AttentionModule gradientCheckModule() {
        return new MultiHeadSelfAttention(2, PositionEncoding.RELATIVE, true);
    }

    @Override
    long[] gradientCheckShape() {
        return new long[] {2, 8, 4, 3};
    }

    /** 4 → 8 channels: timm's form needs a multiple of 8 */
    @Override
    long[] convGradientCheckShape() {
        return new long[] {2, 4, 5, 4};
    }

    /** BoTNet's ablation without position encoding: timm's module with the position logits left out. */
    @Test
    void withoutPositionsMatchesPyTorch() {
        Fixture fixture = AttentionTestSupport.fixture("mhsa_timm_2x16x5x7");
        var module = AttentionRegistry.create("mhsa", Map.of("timm", 1));
        ComputationGraph net = AttentionTestSupport.moduleGraph(module, fixture.input().shape(), DataType.FLOAT);
        TorchStateDict.load(net, module.torchParams(PREFIX, 16), fixture.stateDict());

        double error = AttentionTestSupport.maxAbsDiff(fixture.output(), net.outputSingle(fixture.input()));

        assertTrue(error <= MAX_ABS_ERROR, "max abs error " + error);
    }

    @Test
    void theTorchKeysAreThoseOfTimmsBottleneckAttn() {
        assertEquals(List.of("qkv.weight", "pos_embed.height_rel", "pos_embed.width_rel"),
                fixtureModule().torchParams(PREFIX, 16, 32, 2).stream().map(TorchParam::torchKey).toList());
    }

    @Test
    void outputChannelsThatAreNotAMultipleOfEightSayHowToFixIt() {
        var graph = new NeuralNetConfiguration.Builder().graphBuilder().addInputs("in");

        var error = assertThrows(IllegalArgumentException.class,
                () -> new MultiHeadSelfAttention(4, PositionEncoding.NONE, true).attach(graph, "mhsa", "in", 16, 20, 1));

        assertTrue(error.getMessage().startsWith("mhsa: with timm=1 the output channels must be a multiple of 8"), error.getMessage());
    }
}
