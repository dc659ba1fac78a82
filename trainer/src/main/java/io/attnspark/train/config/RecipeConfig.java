package io.attnspark.train.config;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * The optimisation recipe. Defaults follow the standard ImageNet ResNet recipe: 90 epochs of SGD with Nesterov
 * momentum 0.9, lr 0.1 for a global batch of 256 (scaled linearly), cosine decay, weight decay 1e-4.
 */
public record RecipeConfig(int epochs, double lr, double momentum, double weightDecay, Schedule schedule,
                           int stepEpochs, long seed) {

    public enum Schedule { COSINE, STEP, CONSTANT }

    public RecipeConfig {
        Checks.atLeast(epochs, 1, "recipe.epochs");
        Checks.positive(lr, "recipe.lr");
        Checks.nonNegative(momentum, "recipe.momentum");
        if (momentum >= 1) {
            throw new IllegalArgumentException("recipe.momentum: " + momentum + " must be below 1");
        }
        Checks.nonNegative(weightDecay, "recipe.weightDecay");
        Checks.atLeast(stepEpochs, 1, "recipe.stepEpochs");
        if (schedule == null) {
            throw new IllegalArgumentException("recipe.schedule: missing; use cosine, step or constant");
        }
    }

    @JsonCreator
    static RecipeConfig fromJson(@JsonProperty("epochs") Integer epochs, @JsonProperty("lr") Double lr,
                                 @JsonProperty("momentum") Double momentum, @JsonProperty("weightDecay") Double weightDecay,
                                 @JsonProperty("schedule") Schedule schedule, @JsonProperty("stepEpochs") Integer stepEpochs,
                                 @JsonProperty("seed") Long seed) {
        return new RecipeConfig(Checks.or(epochs, 90), Checks.or(lr, 0.1), Checks.or(momentum, 0.9),
                Checks.or(weightDecay, 1e-4), Checks.or(schedule, Schedule.COSINE), Checks.or(stepEpochs, 30),
                Checks.or(seed, 42L));
    }

    static RecipeConfig defaults() {
        return fromJson(null, null, null, null, null, null, null);
    }

    /** Learning rate of a 0-based epoch, scaled from a global batch of 256 to {@code globalBatch}. */
    public double learningRate(int epoch, int globalBatch) {
        double base = lr * globalBatch / 256.0;
        return switch (schedule) {
            case CONSTANT -> base;
            case STEP -> base * Math.pow(0.1, epoch / stepEpochs);
            case COSINE -> base * 0.5 * (1 + Math.cos(Math.PI * epoch / epochs));
        };
    }
}
