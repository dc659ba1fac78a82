package io.attnspark.model.attention;

import org.deeplearning4j.nn.graph.ComputationGraph;

/**
 * The softmax temperature of dynamic convolution's routing per epoch: linear from {@code start} at epoch 0 to
 * {@code end} at epoch {@code annealEpochs}, then {@code end}. The DY-CNN paper anneals from 30 to 1 over the first
 * 10 epochs: a high temperature keeps the routing near uniform, so that every expert is trained early on.
 *
 * @param start        the temperature of the first epoch
 * @param end          the temperature from epoch {@code annealEpochs} on
 * @param annealEpochs the epochs over which it falls (or rises); 0 only for a constant temperature
 */
public record TemperatureSchedule(double start, double end, int annealEpochs) {

    public TemperatureSchedule {
        requirePositive("start", start);
        requirePositive("end", end);
        if (annealEpochs < 0) {
            throw new IllegalArgumentException("temperature schedule: annealEpochs must be at least 0, got " + annealEpochs);
        }
        if (annealEpochs == 0 && start != end) {
            throw new IllegalArgumentException("temperature schedule: annealing from " + start + " to " + end
                    + " needs annealEpochs of at least 1; or set the end equal to the start for a constant temperature");
        }
    }

    private static void requirePositive(String what, double temperature) {
        if (!(temperature > 0) || Double.isInfinite(temperature)) {
            throw new IllegalArgumentException("temperature schedule: the " + what
                    + " temperature must be a positive number, got " + temperature);
        }
    }

    /** A schedule that keeps {@code temperature}. */
    public static TemperatureSchedule constant(double temperature) {
        return new TemperatureSchedule(temperature, temperature, 0);
    }

    /** The temperature of epoch {@code epoch} (0-based). */
    public double temperatureAt(int epoch) {
        if (epoch < 0) {
            throw new IllegalArgumentException("temperature schedule: epochs count from 0, got " + epoch);
        }
        if (epoch >= annealEpochs) {
            return end;
        }
        return start + (end - start) * epoch / annealEpochs;
    }

    /**
     * Sets epoch {@code epoch}'s temperature on every dynconv layer of {@code network}
     * ({@link DynamicConvolution#setTemperature}).
     *
     * @return the number of layers set
     */
    public int applyTo(ComputationGraph network, int epoch) {
        return DynamicConvolution.setTemperature(network, temperatureAt(epoch));
    }
}
