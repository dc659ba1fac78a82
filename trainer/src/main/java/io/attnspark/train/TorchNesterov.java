package io.attnspark.train;

import java.util.Map;
import java.util.Objects;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.learning.GradientUpdater;
import org.nd4j.linalg.learning.config.IUpdater;
import org.nd4j.linalg.schedule.ISchedule;
import org.nd4j.shade.jackson.annotation.JsonProperty;

/**
 * SGD with Nesterov momentum in torch's form ({@code torch.optim.SGD(nesterov=True)}, no dampening): the momentum
 * buffer {@code b = mu * b + g} holds gradients, and the step is {@code lr * (g + mu * b)}.
 * <p>
 * DL4J's {@link org.nd4j.linalg.learning.config.Nesterovs} keeps the learning rate inside its velocity
 * ({@code v = mu * v - lr * g}): the two agree while the rate is constant, but when the trainer changes the rate between
 * epochs DL4J's velocity still carries the old rate, so each schedule step reaches the momentum late. With this
 * updater a rate change takes effect at once, as in PyTorch, and the averaged momentum (Spark's saveUpdater) is
 * torch's momentum buffer. Weight decay stays DL4J's L2 (added to the gradient before the updater, as torch's
 * {@code weight_decay}).
 */
public final class TorchNesterov implements IUpdater {
    // DL4J serializes network configurations with its shaded Jackson, hence the org.nd4j.shade annotations

    @JsonProperty
    private double learningRate;
    @JsonProperty
    private ISchedule learningRateSchedule;
    @JsonProperty
    private final double momentum;

    public TorchNesterov(@JsonProperty("learningRate") double learningRate,
                         @JsonProperty("learningRateSchedule") ISchedule learningRateSchedule,
                         @JsonProperty("momentum") double momentum) {
        if (!(momentum >= 0 && momentum < 1)) {
            throw new IllegalArgumentException("momentum " + momentum + " must be in [0, 1)");
        }
        this.learningRate = learningRate;
        this.learningRateSchedule = learningRateSchedule;
        this.momentum = momentum;
    }

    public TorchNesterov(double learningRate, double momentum) {
        this(learningRate, null, momentum);
    }

    public double momentum() {
        return momentum;
    }

    @Override
    public long stateSize(long numParams) {
        return numParams;
    }

    @Override
    public GradientUpdater<TorchNesterov> instantiate(INDArray viewArray, boolean initializeViewArray) {
        var updater = new TorchNesterovUpdater(this);
        updater.setStateViewArray(viewArray, viewArray.shape(), viewArray.ordering(), initializeViewArray);
        return updater;
    }

    @Override
    public GradientUpdater<TorchNesterov> instantiate(Map<String, INDArray> state, boolean initializeStateArrays) {
        var updater = new TorchNesterovUpdater(this);
        updater.setState(state, initializeStateArrays);
        return updater;
    }

    @Override
    public TorchNesterov clone() {
        return new TorchNesterov(learningRate, learningRateSchedule == null ? null : learningRateSchedule.clone(), momentum);
    }

    @Override
    public double getLearningRate(int iteration, int epoch) {
        return learningRateSchedule == null ? learningRate : learningRateSchedule.valueAt(iteration, epoch);
    }

    @Override
    public boolean hasLearningRate() {
        return true;
    }

    @Override
    public void setLrAndSchedule(double lr, ISchedule lrSchedule) {
        this.learningRate = lr;
        this.learningRateSchedule = lrSchedule;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TorchNesterov other && other.learningRate == learningRate && other.momentum == momentum
                && Objects.equals(other.learningRateSchedule, learningRateSchedule);
    }

    @Override
    public int hashCode() {
        return Objects.hash(learningRate, learningRateSchedule, momentum);
    }

    @Override
    public String toString() {
        return "TorchNesterov(lr=" + learningRate + (learningRateSchedule == null ? "" : ", schedule=" + learningRateSchedule)
                + ", momentum=" + momentum + ")";
    }
}
