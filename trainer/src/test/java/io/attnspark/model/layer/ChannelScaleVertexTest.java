package io.attnspark.model.layer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.inputs.InvalidInputTypeException;
import org.junit.jupiter.api.Test;

class ChannelScaleVertexTest {

    private final ChannelScaleVertex vertex = new ChannelScaleVertex();
    private final InputType x = InputType.convolutional(5, 7, 24);

    @Test
    void outputHasTheShapeOfX() {
        assertEquals(x, vertex.getOutputType(0, x, InputType.feedForward(24)));
        assertEquals(x, vertex.getOutputType(0, x, InputType.convolutional(1, 1, 24)));
        assertEquals(x, vertex.getOutputType(0, x, InputType.convolutional(1, 24, 1)));
    }

    @Test
    void gateWithAnotherChannelCountIsRejected() {
        var error = assertThrows(InvalidInputTypeException.class, () -> vertex.getOutputType(0, x, InputType.feedForward(23)));

        assertTrue(error.getMessage().contains("one value per channel (24)"), error.getMessage());
    }

    @Test
    void channelsLastInputIsRejected() {
        assertThrows(InvalidInputTypeException.class,
                () -> vertex.getOutputType(0, InputType.convolutional(5, 7, 24, CNN2DFormat.NHWC), InputType.feedForward(24)));
    }
}
