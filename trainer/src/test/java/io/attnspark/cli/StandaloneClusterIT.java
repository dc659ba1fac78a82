package io.attnspark.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.attnspark.datasets.fashion.FashionMnistConverter;
import io.attnspark.train.cluster.LoopbackCluster;
import io.attnspark.train.cluster.SparkHome;
import org.apache.spark.launcher.SparkLauncher;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The same job on a real standalone cluster on 127.0.0.1: a Master and a Worker JVM started from the Maven jars, two
 * executor JVMs, and the driver submitted through Spark's own SparkLauncher / spark-submit.
 */
class StandaloneClusterIT {

    @Test
    void trainsOnStandaloneClusterWithSeparateExecutorJvms(@TempDir Path tmp) throws Exception {
        Path root = Path.of(System.getProperty("attnspark.root"));
        Path jar = root.resolve("trainer/target/attnspark-trainer.jar");
        assertTrue(Files.exists(jar), "run after mvn package: " + jar);
        SparkHome home = SparkHome.assemble(root.resolve("trainer/target/lib"), root.resolve("cluster-config/spark-home/bin"),
                tmp.resolve("spark-home"));

        Path data = tmp.resolve("fmnist");
        new FashionMnistConverter(FashionMnistConverter.locate()).convert(data, new FashionMnistConverter.Limits(16, 8));
        Path results = tmp.resolve("results");
        Path driverLog = tmp.resolve("driver.log");
        String nativeCache = "-Dorg.bytedeco.javacpp.cachedir=" + root.resolve(".cache/javacpp");

        try (var cluster = LoopbackCluster.start(home, tmp.resolve("cluster"), 1, 2, "4g")) {
            Process driver = new SparkLauncher(new HashMap<>(cluster.environment()))
                    .setSparkHome(home.dir().toString())
                    .setMaster(cluster.masterUrl())
                    .setDeployMode("client")
                    .setAppResource(jar.toString())
                    .setMainClass(AttnSpark.class.getName())
                    .setConf(SparkLauncher.DRIVER_MEMORY, "1g")
                    .setConf(SparkLauncher.DRIVER_EXTRA_JAVA_OPTIONS, nativeCache + " -Djava.io.tmpdir=" + tmp)
                    .setConf(SparkLauncher.EXECUTOR_MEMORY, "1g")
                    .setConf(SparkLauncher.EXECUTOR_CORES, "1")
                    .setConf(SparkLauncher.EXECUTOR_EXTRA_JAVA_OPTIONS, nativeCache)
                    .setConf("spark.cores.max", "2")
                    .setConf("spark.driver.host", LoopbackCluster.HOST)
                    .addAppArgs(TinyRun.args(data, results, tmp.resolve("work"), null, "se"))
                    .redirectOutput(driverLog.toFile())
                    .redirectError(ProcessBuilder.Redirect.appendTo(driverLog.toFile()))
                    .launch();

            int executorsSeen = 0;
            long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(10);
            while (!driver.waitFor(1, TimeUnit.SECONDS)) {
                executorsSeen = Math.max(executorsSeen, cluster.executorPids().size());
                if (System.nanoTime() > deadline) {
                    driver.destroyForcibly();
                    fail("the driver did not finish within 10 minutes\n" + Files.readString(driverLog));
                }
            }
            String log = Files.readString(driverLog);
            assertEquals(0, driver.exitValue(), log);
            assertEquals(2, executorsSeen, "executor JVMs seen while training\n" + log);

            JsonNode record = TrainAndAggregateIT.onlyRecord(results);
            assertEquals("completed", record.get("status").asText());
            assertEquals(cluster.masterUrl(), record.get("sparkMaster").asText());
            assertEquals(2, record.get("workers").asInt());
        }
    }
}
