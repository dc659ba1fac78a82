package io.attnspark.model.layer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.inputs.InvalidInputTypeException;
import org.junit.jupiter.api.Test;

class ChannelSpatialProductVertexTest {

    private final ChannelSpatialProductVertex vertex = new ChannelSpatialProductVertex();

    @Test
    void outputHasTheChannelsOfTheVectorAndTheSizeOfTheMap() {
        assertEquals(InputType.convolutional(5, 7, 24), vertex.getOutputType(0, InputType.feedForward(24), InputType.convolutional(5, 7, 1)));
        assertEquals(InputType.convolutional(5, 7, 24),
                vertex.getOutputType(0, InputType.convolutional(1, 1, 24), InputType.convolutional(5, 7, 1)));
    }

    @Test
    void spatialMapWithSeveralChannelsIsRejected() {
        var error = assertThrows(InvalidInputTypeException.class,
                () -> vertex.getOutputType(0, InputType.feedForward(24), InputType.convolutional(5, 7, 2)));

        assertTrue(error.getMessage().contains("must be a one-channel NCHW convolutional map"), error.getMessage());
    }
}
