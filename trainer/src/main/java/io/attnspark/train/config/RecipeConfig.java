package io.attnspark.train.config;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * The optimisation recipe. Defaults follow the standard ImageNet ResNet recipe: 90 epochs of SGD with Nesterov
 * momentum 0.9, lr 0.1 for a global batch of 256 (scaled linearly), cosine decay, weight decay 1e-4, no warmup and no
 * label smoothing. Weight decay never applies to biases or batch-norm parameters (DL4J regularizes weights only).
 *
 * @param optimizer    SGD with Nesterov momentum in torch's form (TorchNesterov; L2 added to the gradient, as torch's SGD
 *                     weight_decay), or AdamW (Adam with decoupled weight decay; {@code momentum} is its beta1)
 * @param warmupEpochs epochs of linear warmup to the scaled rate before the schedule starts
 * @param schedulePer  how often the rate follows the schedule: once per epoch (torch's per-epoch schedulers, the
 *                     default), or before every averaging round, so that a short run's last epoch decays to zero
 *                     instead of running at its first batch's rate
 */
public record RecipeConfig(int epochs, double lr, double momentum, double weightDecay, Schedule schedule,
                           int stepEpochs, long seed, Optimizer optimizer, int warmupEpochs, double labelSmoothing,
                           SchedulePer schedulePer) {

    /** The global batch {@code lr} is given for (Goyal et al.'s linear scaling rule). */
    public static final int REFERENCE_BATCH = 256;

    public enum Schedule { COSINE, STEP, CONSTANT }

    public enum Optimizer { SGD, ADAMW }

    public enum SchedulePer { EPOCH, ROUND }

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
        if (optimizer == null) {
            throw new IllegalArgumentException("recipe.optimizer: missing; use sgd or adamw");
        }
        Checks.atLeast(warmupEpochs, 0, "recipe.warmupEpochs");
        if (warmupEpochs >= epochs) {
            throw new IllegalArgumentException("recipe.warmupEpochs: " + warmupEpochs + " leaves no epoch after warmup; use fewer than recipe.epochs (" + epochs + ")");
        }
        Checks.nonNegative(labelSmoothing, "recipe.labelSmoothing");
        if (labelSmoothing >= 1) {
            throw new IllegalArgumentException("recipe.labelSmoothing: " + labelSmoothing + " must be below 1 (0.1 is usual)");
        }
        if (schedulePer == null) {
            throw new IllegalArgumentException("recipe.schedulePer: missing; use epoch or round");
        }
    }

    @JsonCreator
    static RecipeConfig fromJson(@JsonProperty("epochs") Integer epochs, @JsonProperty("lr") Double lr,
                                 @JsonProperty("momentum") Double momentum, @JsonProperty("weightDecay") Double weightDecay,
                                 @JsonProperty("schedule") Schedule schedule, @JsonProperty("stepEpochs") Integer stepEpochs,
                                 @JsonProperty("seed") Long seed, @JsonProperty("optimizer") Optimizer optimizer,
                                 @JsonProperty("warmupEpochs") Integer warmupEpochs,
                                 @JsonProperty("labelSmoothing") Double labelSmoothing,
                                 @JsonProperty("schedulePer") SchedulePer schedulePer) {
        return new RecipeConfig(Checks.or(epochs, 90), Checks.or(lr, 0.1), Checks.or(momentum, 0.9),
                Checks.or(weightDecay, 1e-4), Checks.or(schedule, Schedule.COSINE), Checks.or(stepEpochs, 30),
                Checks.or(seed, 42L), Checks.or(optimizer, Optimizer.SGD), Checks.or(warmupEpochs, 0),
                Checks.or(labelSmoothing, 0.0), Checks.or(schedulePer, SchedulePer.EPOCH));
    }

    public static RecipeConfig defaults() {
        return fromJson(null, null, null, null, null, null, null, null, null, null, null);
    }

    /**
     * Learning rate at a point of training counted in epochs from 0 (an integer is an epoch's start), scaled from a
     * global batch of 256 to {@code globalBatch}: warmup rises linearly to it, reaching 1/(warmup + 1) of it at 0 and
     * all of it when warmup ends; then the schedule runs over the remaining epochs. At whole epochs this is torch's
     * per-epoch schedule; in between, its per-update form.
     */
    public double learningRate(double epoch, int globalBatch) {
        double base = lr * globalBatch / (double) REFERENCE_BATCH;
        if (epoch < warmupEpochs) {
            return base * (epoch + 1) / (warmupEpochs + 1);
        }
        double e = epoch - warmupEpochs;
        return switch (schedule) {
            case CONSTANT -> base;
            case STEP -> base * Math.pow(0.1, Math.floor(e / stepEpochs));
            case COSINE -> base * 0.5 * (1 + Math.cos(Math.PI * e / (epochs - warmupEpochs)));
        };
    }
}
