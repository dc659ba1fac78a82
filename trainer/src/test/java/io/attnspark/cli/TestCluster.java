package io.attnspark.cli;

import io.attnspark.datasets.fashion.FashionMnistConverter;
import io.attnspark.train.cluster.LoopbackCluster;
import io.attnspark.train.cluster.SparkHome;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A real standalone cluster on 127.0.0.1 for integration tests ({@link LoopbackCluster}, from a SPARK_HOME assembled
 * out of the packaged trainer's dependencies), and the tiny Fashion-MNIST dataset that their runs train on.
 */
record TestCluster(Path root, SparkHome home, LoopbackCluster spark, Path data) implements AutoCloseable {

    /** Starts the cluster, its SPARK_HOME and data under {@code dir}; see {@link LoopbackCluster#start}. */
    static TestCluster start(Path dir, int workers, int coresPerWorker, String memoryPerWorker,
                             Map<String, String> workerConf) throws IOException {
        Path root = Path.of(System.getProperty("attnspark.root"));
        Path jar = jar(root);
        assertTrue(Files.exists(jar), "run after mvn package: " + jar);
        var home = SparkHome.assemble(root.resolve("trainer/target/lib"), root.resolve("cluster-config/spark-home/bin"),
                dir.resolve("spark-home"));
        Path data = dir.resolve("fmnist");
        new FashionMnistConverter(FashionMnistConverter.locate()).convert(data, new FashionMnistConverter.Limits(16, 8));
        return new TestCluster(root, home, LoopbackCluster.start(home, dir.resolve("cluster"), workers, coresPerWorker,
                memoryPerWorker, workerConf), data);
    }

    static Path jar(Path root) {
        return root.resolve("trainer/target/attnspark-trainer.jar");
    }

    String masterUrl() {
        return spark.masterUrl();
    }

    List<Long> executorPids() {
        return spark.executorPids();
    }

    /** Submits attnspark with {@code appArgs} and the Spark settings {@code conf} ({@link ClusterDriver#submit}). */
    ClusterDriver submit(Path tmp, String logName, Map<String, String> conf, String... appArgs) throws Exception {
        return ClusterDriver.submit(this, tmp, logName, conf, appArgs);
    }

    @Override
    public void close() {
        spark.close();
    }
}
