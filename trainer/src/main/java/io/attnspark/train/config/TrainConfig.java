package io.attnspark.train.config;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.attnspark.datasets.image.Augmentation;

/**
 * One training run: the data, the network, the Spark side, the recipe, where result records go and where packs and
 * checkpoints go (both any Hadoop URI).
 * Loaded from YAML plus command-line overrides by {@link ConfigLoader}; every part validates itself, so a bad config
 * fails before Spark starts.
 */
public record TrainConfig(DataConfig data, ModelConfig model, SparkConfig spark, RecipeConfig recipe, String results,
                          String workDir) {

    public TrainConfig {
        if (data == null) {
            throw new IllegalArgumentException("data.path: missing; set it to an ImageNet-layout folder or a packed dataset");
        }
        Checks.nonBlank(results, "results", "a directory or Hadoop URI for the result records");
        Checks.nonBlank(workDir, "workDir", "a directory or Hadoop URI for packs and checkpoints");
        if (data.augment() == Augmentation.PAD_CROP && data.padding() >= model.imageSize()) {
            throw new IllegalArgumentException("data.padding: " + data.padding() + " leaves crops of nothing but padding at"
                    + " model.imageSize " + model.imageSize() + "; use less than the image size, e.g. 4");
        }
        if (spark.trainingMaster() == SparkConfig.TrainingMaster.SHARING && recipe.epochs() > 1
                && (recipe.schedule() != RecipeConfig.Schedule.CONSTANT || recipe.warmupEpochs() > 0)) {
            // SharedTrainingMaster broadcasts the network once and its workers keep training their copy
            throw new IllegalArgumentException("spark.trainingMaster: sharing keeps the learning rate the workers started"
                    + " with, so the " + recipe.schedule().name().toLowerCase() + " schedule"
                    + (recipe.warmupEpochs() > 0 ? " and warmup" : "") + " over " + recipe.epochs() + " epochs cannot run;"
                    + " set recipe.schedule=constant and recipe.warmupEpochs=0, or use spark.trainingMaster=averaging");
        }
    }

    @JsonCreator
    static TrainConfig fromJson(@JsonProperty("data") DataConfig data, @JsonProperty("model") ModelConfig model,
                                @JsonProperty("spark") SparkConfig spark, @JsonProperty("recipe") RecipeConfig recipe,
                                @JsonProperty("results") String results, @JsonProperty("workDir") String workDir) {
        return new TrainConfig(data, Checks.or(model, ModelConfig.defaults()), Checks.or(spark, SparkConfig.defaults()),
                Checks.or(recipe, RecipeConfig.defaults()), Checks.or(results, "results"), Checks.or(workDir, "work"));
    }

    /** Where a layout folder is packed into shards; kept apart from the records so the aggregator sees only records. */
    public String packRoot() {
        return data.packs() != null ? data.packs() : workDir.replaceAll("/+$", "") + "/packs";
    }
}
