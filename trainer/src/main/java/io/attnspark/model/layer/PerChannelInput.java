package io.attnspark.model.layer;

import io.attnspark.model.layer.RowOps;
import java.util.Arrays;

import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.inputs.InvalidInputTypeException;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The second input of {@link ChannelScaleVertex} and {@link ChannelAddVertex}: one value per channel of the first,
 * an NCHW activation, in any shape with C values per example ([N,C], [N,C,1,1] or [N,1,1,C]).
 */
final class PerChannelInput {
    private PerChannelInput() { }

    /** The output type (that of x) once the inputs are checked; {@code role} names the second input in messages. */
    static InputType outputType(String operation, String role, InputType... vertexInputs) {
        if (vertexInputs.length != 2 || !(vertexInputs[0] instanceof InputType.InputTypeConvolutional x)
                || x.getFormat() != CNN2DFormat.NCHW) {
            throw new InvalidInputTypeException(operation + ": the first input must be an NCHW convolutional activation, got "
                    + Arrays.toString(vertexInputs));
        }
        InputType values = vertexInputs[1];
        if (values.arrayElementsPerExample() != x.getChannels()) {
            throw new InvalidInputTypeException(operation + ": the " + role + " must hold one value per channel ("
                    + x.getChannels() + ") per example; got " + values);
        }
        return x;
    }

    /** {@code values} as the column [N*C, 1] that {@link RowOps}' per-row ops take for the rows of {@code x}. */
    static INDArray column(String operation, String vertexName, String role, INDArray x, INDArray values) {
        if (values.length() != x.size(0) * x.size(1)) {
            throw new IllegalStateException(operation + " " + vertexName + ": " + role + " " + Arrays.toString(values.shape())
                    + " does not hold one value per channel of x " + Arrays.toString(x.shape()));
        }
        return RowOps.column(RowOps.contiguous(values));
    }
}
