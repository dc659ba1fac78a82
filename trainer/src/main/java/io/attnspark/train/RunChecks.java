package io.attnspark.train;

import io.attnspark.datasets.pack.TrainingData;
import io.attnspark.model.Models;
import io.attnspark.train.config.SparkConfig;
import io.attnspark.train.config.TrainConfig;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.util.UUID;

/** What a training run checks before Spark starts, so that a mistake is one line naming the key and the fix. */
public final class RunChecks {

    private RunChecks() { }

    /**
     * Checks what can be checked before any Spark job starts: the network (channels vs reduction, image size vs stem...)
     * and, for paths on this machine, that the data exists.
     *
     * @throws IllegalArgumentException saying what is wrong and how to fix it
     */
    public static void validate(TrainConfig config) {
        Models.parameterCount(config.model().toSpec(2).resolve());
        var spark = config.spark();
        // the master SparkSetup.conf will use
        String master = spark.master() != null ? spark.master() : System.getProperty("spark.master", SparkSetup.DEFAULT_MASTER);
        int slots = SparkConfig.localThreads(master, Runtime.getRuntime().availableProcessors());
        if (spark.workers() != null && slots > 0 && spark.workers() > slots) {
            // more replicas than task slots run in turns, yet the learning rate is scaled for all of them at once
            throw new IllegalArgumentException("spark.workers: " + spark.workers() + " workers on " + master + " (" + slots
                    + " task slots) would train in turns with a learning rate scaled for a global batch of "
                    + spark.workers() * spark.batchSizePerWorker() + "; use --workers " + slots + ", or --master local["
                    + spark.workers() + "] to simulate " + spark.workers() + " workers on purpose");
        }
        URI data = new Path(config.data().path()).toUri();
        if (isLocal(data) && !Files.exists(java.nio.file.Path.of(data.getPath()))) {
            throw new IllegalArgumentException("data.path: " + config.data().path() + " does not exist; convert a dataset first,"
                    + " e.g. attnspark datasets fashion-mnist --out " + config.data().path());
        }
        URI initFrom = config.model().initFrom() == null ? null : new Path(config.model().initFrom()).toUri();
        if (initFrom != null && isLocal(initFrom) && !Files.isRegularFile(java.nio.file.Path.of(initFrom.getPath()))) {
            throw new IllegalArgumentException("model.initFrom: " + config.model().initFrom() + " is not a file; save the PyTorch state_dict"
                    + " with numpy.savez (see the README, \"Starting from PyTorch weights\")");
        }
    }

    private static boolean isLocal(URI uri) {
        return uri.getScheme() == null || "file".equals(uri.getScheme());
    }

    /**
     * Checks the data and the output folders through their file systems (any Hadoop URI), before Spark starts: the data
     * is a dataset with train and val images of two or more classes and no empty class folder, and results, workDir
     * and the pack folder can be written.
     *
     * @throws IllegalArgumentException one line naming the key, what is wrong and the fix
     */
    public static TrainingData preflight(TrainConfig config, Configuration hadoop) {
        TrainingData data;
        try {
            data = TrainingData.check(config.data().path(), hadoop);
        } catch (IllegalArgumentException | IOException e) {
            throw new IllegalArgumentException("data.path: " + e.getMessage(), e);
        }
        int batch = config.spark().batchSizePerWorker();
        if (data.packed() != null && data.packed().batchSize() != batch) {
            throw new IllegalArgumentException("spark.batchSizePerWorker is " + batch + " but the pack at "
                    + config.data().path() + " was made with batch " + data.packed().batchSize()
                    + "; set spark.batchSizePerWorker=" + data.packed().batchSize() + " or repack");
        }
        requireWritable(config.results(), "results", hadoop);
        requireWritable(config.workDir(), "workDir", hadoop);
        if (data.packed() == null && config.data().packs() != null) {
            requireWritable(config.data().packs(), "data.packs", hadoop);
        }
        return data;
    }

    /** Creates the folder if needed and writes and deletes a probe file in it, so a write later cannot fail for rights. */
    private static void requireWritable(String uri, String key, Configuration hadoop) {
        Path folder = new Path(uri);
        Path probe = new Path(folder, ".attnspark-write-check-" + UUID.randomUUID());
        try {
            var fs = folder.getFileSystem(hadoop);
            fs.mkdirs(folder);
            fs.create(probe, false).close();
            fs.delete(probe, false);
        } catch (IOException | RuntimeException e) {
            String reason = String.valueOf(e.getMessage()).lines().findFirst().orElse(e.getClass().getSimpleName());
            throw new IllegalArgumentException(key + ": cannot write to " + uri + " (" + reason + "); choose a folder"
                    + " you can write, e.g. --set " + key + "=/tmp/attnspark-" + key.replace('.', '-'), e);
        }
    }
}
