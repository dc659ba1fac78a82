package io.attnspark.cli;

import java.nio.file.Path;

/** A training run small enough for integration tests: one epoch of a narrow ResNet-18 at 32 px. */
final class TinyRun {
    private TinyRun() { }

    /** @param master null leaves the master to spark-submit */
    static String[] args(Path data, Path results, Path work, String master, String attention) {
        return args(data.toString(), results.toString(), work.toString(), master, attention);
    }

    /** The same with any Hadoop URIs (hdfs://...) for data, results and work. */
    static String[] args(String data, String results, String work, String master, String attention) {
        var args = new java.util.ArrayList<>(java.util.List.of("train", "--data", data, "--results", results,
                "--backbone", "resnet18", "--attention", attention, "--epochs", "1", "--workers", "2", "--batch", "8",
                "--set", "workDir=" + work, "--set", "model.width=0.25", "--set", "model.imageSize=32",
                "--set", "spark.averagingFrequency=2", "--set", "recipe.lr=0.2",
                "--set", "spark.conf={spark.ui.enabled: 'false'}"));
        if (master != null) {
            args.addAll(java.util.List.of("--master", master));
        }
        return args.toArray(String[]::new);
    }
}
