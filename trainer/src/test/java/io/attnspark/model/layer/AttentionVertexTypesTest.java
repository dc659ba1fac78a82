package io.attnspark.model.layer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.inputs.InvalidInputTypeException;
import org.junit.jupiter.api.Test;

/** Build-time input checks of the hand-written vertices behind gc, snl, nl and mhsa. */
class AttentionVertexTypesTest {

    private final InputType x = InputType.convolutional(3, 5, 24);

    @Test
    void attentionPoolGivesOneValuePerChannel() {
        assertEquals(InputType.feedForward(24), new AttentionPoolVertex().getOutputType(0, x, InputType.convolutional(3, 5, 1)));
    }

    @Test
    void attentionPoolRejectsLogitsOfAnotherShape() {
        var vertex = new AttentionPoolVertex();

        var twoChannels = assertThrows(InvalidInputTypeException.class,
                () -> vertex.getOutputType(0, x, InputType.convolutional(3, 5, 2)));
        assertThrows(InvalidInputTypeException.class, () -> vertex.getOutputType(0, x, InputType.convolutional(5, 3, 1)));

        assertTrue(twoChannels.getMessage().contains("1 channel and the H×W of x (3×5)"), twoChannels.getMessage());
    }

    @Test
    void channelAddRejectsATermWithAnotherChannelCount() {
        var error = assertThrows(InvalidInputTypeException.class,
                () -> new ChannelAddVertex().getOutputType(0, x, InputType.feedForward(23)));

        assertTrue(error.getMessage().contains("one value per channel (24)"), error.getMessage());
    }

    @Test
    void layerNormTakesFeedForwardOnly() {
        assertEquals(InputType.feedForward(6), new LayerNormVertex(1e-5).getOutputType(0, InputType.feedForward(6)));
        assertThrows(InvalidInputTypeException.class, () -> new LayerNormVertex(1e-5).getOutputType(0, x));
        assertThrows(IllegalArgumentException.class, () -> new LayerNormVertex(0));
    }

    @Test
    void dotProductAttentionTakesSeparateOrPackedQueriesKeysValues() {
        var vertex = new DotProductAttentionVertex(4, 0.5);

        assertEquals(InputType.convolutional(3, 5, 8), vertex.getOutputType(0, x, x, InputType.convolutional(3, 5, 8)));
        assertEquals(InputType.convolutional(3, 5, 8), vertex.getOutputType(0, x));
    }

    @Test
    void dotProductAttentionRejectsMismatchedInputs() {
        var vertex = new DotProductAttentionVertex(4, 0.5);

        var heads = assertThrows(InvalidInputTypeException.class, () -> new DotProductAttentionVertex(5, 1).getOutputType(0, x, x, x));
        var packed = assertThrows(InvalidInputTypeException.class, () -> vertex.getOutputType(0, InputType.convolutional(3, 5, 16)));
        assertThrows(InvalidInputTypeException.class, () -> vertex.getOutputType(0, x, InputType.convolutional(3, 5, 12), x));
        assertThrows(InvalidInputTypeException.class, () -> vertex.getOutputType(0, x, x, InputType.convolutional(5, 3, 24)));
        assertThrows(InvalidInputTypeException.class, () -> vertex.getOutputType(0, x, x));

        assertTrue(heads.getMessage().contains("5 heads must divide"), heads.getMessage());
        assertTrue(packed.getMessage().contains("3·C channels"), packed.getMessage());
    }
}
