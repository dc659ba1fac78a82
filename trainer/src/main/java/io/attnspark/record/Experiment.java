package io.attnspark.record;

/**
 * The experiment a run belongs to: runs with the same key differ only in the seed and in the compared axes
 * (backbone, attention with its options, position, stages), so their numbers may be pooled over seeds and compared.
 *
 * @param key     fingerprint of everything held fixed ({@link Experiments#of})
 * @param summary one line for people: dataset, model settings, recipe, workers x batch, training master
 */
public record Experiment(String key, String summary) {

    public Experiment {
        Checks.nonBlank(key, "experiment.key");
        Checks.nonBlank(summary, "experiment.summary");
    }
}
