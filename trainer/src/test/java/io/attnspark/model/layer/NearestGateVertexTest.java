package io.attnspark.model.layer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.inputs.InvalidInputTypeException;
import org.junit.jupiter.api.Test;

class NearestGateVertexTest {

    private final NearestGateVertex vertex = new NearestGateVertex();
    private final InputType x = InputType.convolutional(5, 7, 24);

    @Test
    void outputHasTheShapeOfX() {
        assertEquals(x, vertex.getOutputType(0, x, InputType.convolutional(2, 2, 24)));
        assertEquals(x, vertex.getOutputType(0, x, InputType.convolutional(5, 7, 1)));
    }

    @Test
    void gateWithAnotherChannelCountIsRejected() {
        var error = assertThrows(InvalidInputTypeException.class, () -> vertex.getOutputType(0, x, InputType.convolutional(2, 2, 12)));

        assertTrue(error.getMessage().contains("must have 24 channels (one map per channel of x) or 1"), error.getMessage());
    }

    @Test
    void feedForwardGateAndChannelsLastInputAreRejected() {
        assertThrows(InvalidInputTypeException.class, () -> vertex.getOutputType(0, x, InputType.feedForward(24)));
        assertThrows(InvalidInputTypeException.class,
                () -> vertex.getOutputType(0, InputType.convolutional(5, 7, 24, CNN2DFormat.NHWC), InputType.convolutional(1, 1, 24)));
    }

    /** PyTorch 1.13: interpolate(arange(h), size=H, mode='nearest') gives these source indices. */
    @Test
    void nearestSourceFollowsPyTorch() {
        assertEquals("0 0 0 1 1", sources(2, 5));
        assertEquals("0 0 1 1 2", sources(3, 5));
        assertEquals("0 0 0 0 1 1 1", sources(2, 7));
        assertEquals("0 0 0 0 0", sources(1, 5));
    }

    private static String sources(long in, long out) {
        var text = new StringBuilder();
        for (long i = 0; i < out; i++) {
            text.append(i == 0 ? "" : " ").append(NearestGateVertexImpl.nearestSource(i, in, out));
        }
        return text.toString();
    }
}
