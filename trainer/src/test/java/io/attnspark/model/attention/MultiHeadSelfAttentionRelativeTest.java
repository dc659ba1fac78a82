package io.attnspark.model.attention;

import static io.attnspark.model.attention.AttentionTestSupport.PREFIX;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;

import io.attnspark.model.attention.MultiHeadSelfAttention.PositionEncoding;
import io.attnspark.model.layer.RelativePositionAttention;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.CnnLossLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.factory.Nd4j;

/** The seed's MHSA with BoTNet's relative position logits (timm's PosEmbedRel), against PyTorch. */
class MultiHeadSelfAttentionRelativeTest extends ConvReplacementContract {

    @Override
    String registryName() {
        return "mhsa";
    }

    @Override
    Map<String, Object> fixtureOptions() {
        return Map.of("pos", "relative");
    }

    @Override
    List<String> fixtures() {
        return List.of("mhsa_rel_2x16x5x7", "mhsa_rel_3x32x2x3");
    }

    /** 16 → 24 channels with stride 2; the embeddings are sized for the 5×7 map before the pool */
    @Override
    List<ConvFixture> convFixtures() {
        return List.of(new ConvFixture("mhsa_rel_o24_s2_2x16x5x7", 2));
    }

    @Override
    AttentionModule gradientCheckModule() {
        return new MultiHeadSelfAttention(2, PositionEncoding.RELATIVE, false);
    }

    /** a non-square map, so that a mix-up of the height and width embeddings fails */
    @Override
    long[] gradientCheckShape() {
        return new long[] {2, 8, 3, 4};
    }

    /** 4 → 8 channels, stride 2 on 4×3 (partial last pool column), as for the seed's form */
    @Override
    long[] convGradientCheckShape() {
        return new long[] {2, 4, 4, 3};
    }

    @Test
    void theEmbeddingsHaveTimmsShapesAndKeys() {
        ComputationGraph net = AttentionTestSupport.moduleGraph(fixtureModule(), new long[] {1, 16, 5, 7}, DataType.FLOAT);

        // d = 16 / 8 heads
        assertArrayEquals(new long[] {9, 2}, net.getParam(PREFIX + "_attend_" + RelativePositionAttention.HEIGHT_KEY).shape());
        assertArrayEquals(new long[] {13, 2}, net.getParam(PREFIX + "_attend_" + RelativePositionAttention.WIDTH_KEY).shape());
        assertEquals(List.of("to_qkv.to_qkv.weight", "to_qkv.to_qkv.bias", "pos_embed.height_rel", "pos_embed.width_rel",
                "to_output.weight", "to_output.bias"), fixtureModule().torchParams(PREFIX, 16).stream().map(TorchParam::torchKey).toList());
    }

    @Test
    void relativePositionsWithoutInputTypesSayHowToFixIt() {
        var graph = new NeuralNetConfiguration.Builder().graphBuilder().addInputs("in");

        var error = assertThrows(IllegalArgumentException.class, () -> fixtureModule().attach(graph, "mhsa", "in", 16));

        assertTrue(error.getMessage().startsWith("mhsa: pos=relative learns embeddings for one feature-map size")
                && error.getMessage().contains("setInputTypes"), error.getMessage());
    }

    /** The layer on its own in a graph without input types cannot be sized: init says why instead of failing later. */
    @Test
    void layerWithoutAKnownSizeFailsAtInit() {
        var conf = new NeuralNetConfiguration.Builder().graphBuilder().addInputs("in")
                .addLayer("attend", new RelativePositionAttention(2, 0.5), "in")
                .addLayer("loss", new CnnLossLayer.Builder().build(), "attend").setOutputs("loss").build();

        var error = assertThrows(IllegalStateException.class, () -> new ComputationGraph(conf).init());

        assertTrue(error.getMessage().contains("the feature-map size is unknown") && error.getMessage().contains("setInputTypes"),
                error.getMessage());
    }

    @Test
    void anInputOfAnotherSizeThanBuiltForFailsWithAMessage() {
        ComputationGraph net = AttentionTestSupport.moduleGraph(fixtureModule(), new long[] {1, 16, 5, 7}, DataType.FLOAT);

        var error = assertThrows(IllegalStateException.class, () -> net.outputSingle(Nd4j.rand(DataType.FLOAT, 1, 16, 6, 8)));

        assertTrue(error.getMessage().contains("embeddings are for a 5x7 map") && error.getMessage().contains("[1, 48, 6, 8]"),
                error.getMessage());
    }

    @Test
    void retypingTheLayerForAnotherSizeFailsWithAMessage() {
        var layer = new RelativePositionAttention(2, 0.5);
        layer.setNIn(InputType.convolutional(5, 7, 24), false);

        var error = assertThrows(IllegalArgumentException.class, () -> layer.setNIn(InputType.convolutional(6, 7, 24), false));

        assertTrue(error.getMessage().contains("sized for a 5x7 map, but the input is now 6x7"), error.getMessage());
        assertEquals(5, layer.getHeight());
    }

    @Test
    void packedChannelsThatTheHeadsDoNotSplitAreRejected() {
        var layer = new RelativePositionAttention(4, 0.5);

        var error = assertThrows(IllegalArgumentException.class, () -> layer.setNIn(InputType.convolutional(5, 7, 18), false));

        assertTrue(error.getMessage().contains("needs 3·C packed channels (Q, K, V) with C a multiple of the 4 heads"),
                error.getMessage());
    }
}
