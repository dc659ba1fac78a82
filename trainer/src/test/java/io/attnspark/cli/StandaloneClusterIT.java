package io.attnspark.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.attnspark.datasets.fashion.FashionMnistConverter;
import io.attnspark.train.cluster.LoopbackCluster;
import io.attnspark.train.cluster.SparkHome;
import org.apache.spark.launcher.SparkLauncher;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The trainer on a real standalone cluster on 127.0.0.1: a Master and a Worker JVM started from the Maven jars, executor
 * JVMs started by the Worker, and drivers submitted through Spark's own SparkLauncher / spark-submit. Covers training,
 * resuming after the driver is killed, and surviving the loss of an executor.
 */
class StandaloneClusterIT {

    private static final long DRIVER_TIMEOUT_MINUTES = 10;

    @TempDir
    static Path shared;
    private static Path root;
    private static SparkHome home;
    private static LoopbackCluster cluster;
    private static Path data;

    @BeforeAll
    static void startCluster() throws IOException {
        root = Path.of(System.getProperty("attnspark.root"));
        assertTrue(Files.exists(jar()), "run after mvn package: " + jar());
        home = SparkHome.assemble(root.resolve("trainer/target/lib"), root.resolve("cluster-config/spark-home/bin"),
                shared.resolve("spark-home"));
        data = shared.resolve("fmnist");
        new FashionMnistConverter(FashionMnistConverter.locate()).convert(data, new FashionMnistConverter.Limits(16, 8));
        cluster = LoopbackCluster.start(home, shared.resolve("cluster"), 1, 2, "4g");
    }

    @AfterAll
    static void stopCluster() {
        if (cluster != null) {
            cluster.close();
        }
    }

    private static Path jar() {
        return root.resolve("trainer/target/attnspark-trainer.jar");
    }

    @Test
    void trainsWithSeparateExecutorJvms(@TempDir Path tmp) throws Exception {
        // no --workers: the trainer derives them from the executors that register (2 x 1 core)
        var driver = submit(tmp, "train.log", withoutWorkers(TinyRun.args(data, tmp.resolve("results"), tmp.resolve("work"), null, "se")));
        Set<Long> executors = new HashSet<>();
        awaitExit(driver, () -> executors.addAll(cluster.executorPids()));
        assertEquals(0, driver.process.exitValue(), driver.log());
        assertEquals(2, executors.size(), "executor JVMs seen while training\n" + driver.log());

        JsonNode record = TrainAndAggregateIT.onlyRecord(tmp.resolve("results"));
        assertEquals("completed", record.get("status").asText());
        assertEquals(cluster.masterUrl(), record.get("sparkMaster").asText());
        assertEquals(2, record.get("workers").asInt());
        assertFalse(record.get("resumed").asBoolean());
    }

    @Test
    void resumesAfterTheDriverIsKilled(@TempDir Path tmp) throws Exception {
        String[] args = withEpochs(TinyRun.args(data, tmp.resolve("results"), tmp.resolve("work"), null, "none"), 2);
        var first = submit(tmp, "first.log", args);
        awaitLogLine(first, line -> line.startsWith("epoch 1/2"));
        first.kill();
        assertFalse(Files.exists(tmp.resolve("results")), "the killed driver must not have written a record");

        var resumed = submit(tmp, "second.log", append(args, "--resume"));
        awaitExit(resumed, () -> { });
        assertEquals(0, resumed.process.exitValue(), resumed.log());
        assertTrue(resumed.log().contains("resuming run"), resumed.log());
        assertFalse(resumed.log().contains("epoch 1/2"), "epoch 1 must not be trained again\n" + resumed.log());

        JsonNode record = TrainAndAggregateIT.onlyRecord(tmp.resolve("results"));
        assertEquals("completed", record.get("status").asText());
        assertTrue(record.get("resumed").asBoolean());
        assertEquals(2, record.get("epochs").size());
    }

    @Test
    void survivesTheLossOfAnExecutor(@TempDir Path tmp) throws Exception {
        String[] args = withEpochs(TinyRun.args(data, tmp.resolve("results"), tmp.resolve("work"), null, "none"), 2);
        var driver = submit(tmp, "executor-loss.log", args);
        awaitLogLine(driver, line -> line.startsWith("  epoch 1 "));
        List<Long> before = cluster.executorPids();
        assertEquals(2, before.size(), driver.log());
        ProcessHandle.of(before.get(0)).ifPresent(ProcessHandle::destroyForcibly);

        Set<Long> after = new HashSet<>();
        awaitExit(driver, () -> after.addAll(cluster.executorPids()));
        assertEquals(0, driver.process.exitValue(), driver.log());
        assertFalse(after.contains(before.get(0)));
        assertTrue(after.stream().anyMatch(pid -> !before.contains(pid)), "the Worker must start a replacement executor");

        JsonNode record = TrainAndAggregateIT.onlyRecord(tmp.resolve("results"));
        assertEquals("completed", record.get("status").asText());
        assertEquals(2, record.get("epochs").size());
    }

    private record Driver(Process process, Path logFile) {
        String log() throws IOException {
            return Files.exists(logFile) ? Files.readString(logFile) : "";
        }

        void kill() throws InterruptedException {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
            process.waitFor(30, TimeUnit.SECONDS);
        }
    }

    private static Driver submit(Path tmp, String logName, String... appArgs) throws Exception {
        awaitNoExecutors();
        Path log = tmp.resolve(logName);
        String nativeCache = "-Dorg.bytedeco.javacpp.cachedir=" + root.resolve(".cache/javacpp");
        Process process = new SparkLauncher(new HashMap<>(cluster.environment()))
                .setSparkHome(home.dir().toString())
                .setMaster(cluster.masterUrl())
                .setDeployMode("client")
                .setAppResource(jar().toString())
                .setMainClass(AttnSpark.class.getName())
                .setConf(SparkLauncher.DRIVER_MEMORY, "1g")
                .setConf(SparkLauncher.DRIVER_EXTRA_JAVA_OPTIONS, nativeCache + " -Djava.io.tmpdir=" + tmp)
                .setConf(SparkLauncher.EXECUTOR_MEMORY, "1g")
                .setConf(SparkLauncher.EXECUTOR_CORES, "1")
                .setConf(SparkLauncher.EXECUTOR_EXTRA_JAVA_OPTIONS, nativeCache)
                .setConf("spark.cores.max", "2")
                .setConf("spark.driver.host", LoopbackCluster.HOST)
                .addAppArgs(appArgs)
                .redirectOutput(log.toFile())
                .redirectError(ProcessBuilder.Redirect.appendTo(log.toFile()))
                .launch();
        return new Driver(process, log);
    }

    /** Executors of an earlier test's application may still be shutting down; counting them would blur this test's. */
    private static void awaitNoExecutors() throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!cluster.executorPids().isEmpty()) {
            if (System.nanoTime() > deadline) {
                fail("executors of an earlier application are still running: " + cluster.executorPids());
            }
            Thread.sleep(200);
        }
    }

    private static void awaitExit(Driver driver, Runnable whileRunning) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(DRIVER_TIMEOUT_MINUTES);
        while (!driver.process.waitFor(500, TimeUnit.MILLISECONDS)) {
            whileRunning.run();
            if (System.nanoTime() > deadline) {
                driver.kill();
                fail("the driver did not finish within " + DRIVER_TIMEOUT_MINUTES + " minutes\n" + driver.log());
            }
        }
    }

    private static void awaitLogLine(Driver driver, Predicate<String> line) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(DRIVER_TIMEOUT_MINUTES);
        while (driver.log().lines().noneMatch(line)) {
            if (!driver.process.isAlive()) {
                fail("the driver ended before the expected line\n" + driver.log());
            }
            if (System.nanoTime() > deadline) {
                driver.kill();
                fail("the expected line did not appear\n" + driver.log());
            }
            Thread.sleep(200);
        }
    }

    private static String[] withEpochs(String[] args, int epochs) {
        var list = new ArrayList<>(List.of(args));
        list.set(list.indexOf("--epochs") + 1, String.valueOf(epochs));
        return list.toArray(String[]::new);
    }

    private static String[] withoutWorkers(String[] args) {
        var list = new ArrayList<>(List.of(args));
        int at = list.indexOf("--workers");
        list.remove(at + 1);
        list.remove(at);
        return list.toArray(String[]::new);
    }

    private static String[] append(String[] args, String extra) {
        var list = new ArrayList<>(List.of(args));
        list.add(extra);
        return list.toArray(String[]::new);
    }
}
