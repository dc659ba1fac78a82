package io.attnspark.model.layer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.inputs.InvalidInputTypeException;
import org.junit.jupiter.api.Test;

/** Input and output types of {@link ChannelAvgMaxPoolVertex} and {@link GlobalAvgMaxPoolVertex}. */
class AvgMaxPoolVertexTest {

    private final InputType x = InputType.convolutional(5, 7, 24);

    @Test
    void channelPoolingGivesTwoMapsOfTheInputSize() {
        assertEquals(InputType.convolutional(5, 7, 2), new ChannelAvgMaxPoolVertex().getOutputType(0, x));
    }

    @Test
    void globalPoolingGivesTheTwoDescriptorsSideBySide() {
        assertEquals(InputType.convolutional(1, 2, 24), new GlobalAvgMaxPoolVertex().getOutputType(0, x));
    }

    @Test
    void nonConvolutionalOrChannelsLastInputIsRejected() {
        assertThrows(InvalidInputTypeException.class, () -> new ChannelAvgMaxPoolVertex().getOutputType(0, InputType.feedForward(24)));
        assertThrows(InvalidInputTypeException.class,
                () -> new GlobalAvgMaxPoolVertex().getOutputType(0, InputType.convolutional(5, 7, 24, CNN2DFormat.NHWC)));
    }
}
