package io.attnspark.train;

import java.util.Arrays;
import java.util.Map;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.shape.Shape;
import org.nd4j.linalg.learning.GradientUpdater;

/** The state and step of {@link TorchNesterov}: one momentum buffer per parameter, a view of the network's updater state. */
final class TorchNesterovUpdater implements GradientUpdater<TorchNesterov> {

    static final String BUFFER = "momentum_buffer";

    private final TorchNesterov config;
    private INDArray buffer;

    TorchNesterovUpdater(TorchNesterov config) {
        this.config = config;
    }

    @Override
    public TorchNesterov getConfig() {
        return config;
    }

    @Override
    public void setState(Map<String, INDArray> state, boolean initialize) {
        if (!state.containsKey(BUFFER) || state.size() != 1) {
            throw new IllegalStateException("TorchNesterov takes exactly one state array, " + BUFFER + "; got " + state.keySet());
        }
        buffer = state.get(BUFFER);
        if (initialize) {
            buffer.assign(0);
        }
    }

    @Override
    public Map<String, INDArray> getState() {
        return Map.of(BUFFER, buffer);
    }

    @Override
    public void setStateViewArray(INDArray viewArray, long[] gradientShape, char gradientOrder, boolean initialize) {
        if (!viewArray.isRowVectorOrScalar()) {
            throw new IllegalArgumentException("TorchNesterov expects a row vector as its state view, got shape "
                    + Arrays.toString(viewArray.shape()));
        }
        if (initialize) {
            viewArray.assign(0);
        }
        buffer = Shape.newShapeNoCopy(viewArray, gradientShape, gradientOrder == 'f');
        if (buffer == null) {
            throw new IllegalStateException("cannot view the updater state as the gradient's shape " + Arrays.toString(gradientShape));
        }
    }

    /** Turns {@code gradient} (with L2 already added) into the step DL4J subtracts from the parameters. */
    @Override
    public void applyUpdater(INDArray gradient, int iteration, int epoch) {
        double momentum = config.momentum();
        // b = mu * b + g; step = lr * (g + mu * b), in place (a buffer of zeros makes the first b = g, as torch's clone)
        buffer.muli(momentum).addi(gradient);
        gradient.addi(buffer.mul(momentum)).muli(config.getLearningRate(iteration, epoch));
    }
}
