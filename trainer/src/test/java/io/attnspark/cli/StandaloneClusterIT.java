package io.attnspark.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.attnspark.train.Checkpoints;
import org.apache.hadoop.conf.Configuration;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The trainer on a real standalone cluster on 127.0.0.1: a Master and a Worker JVM started from the Maven jars, executor
 * JVMs started by the Worker, and drivers submitted through Spark's own SparkLauncher / spark-submit. Covers training,
 * and that neither a killed driver (resumed) nor a killed executor (its task retried) changes a bit of the result.
 */
class StandaloneClusterIT {

    @TempDir
    static Path shared;
    private static TestCluster cluster;

    @BeforeAll
    static void startCluster() throws IOException {
        cluster = TestCluster.start(shared, 1, 2, "4g", Map.of());
    }

    @AfterAll
    static void stopCluster() {
        if (cluster != null) {
            cluster.close();
        }
    }

    private static ClusterDriver submit(Path tmp, String logName, String... appArgs) throws Exception {
        return cluster.submit(tmp, logName, Map.of(), appArgs);
    }

    @Test
    void trainsWithSeparateExecutorJvms(@TempDir Path tmp) throws Exception {
        // no --workers: the trainer derives them from the executors that register (2 x 1 core)
        var driver = submit(tmp, "train.log", withoutWorkers(TinyRun.args(cluster.data(), tmp.resolve("results"), tmp.resolve("work"), null, "se")));
        // at once, not in all: under load a Worker may replace an executor whose heartbeat was late
        var mostAtOnce = new AtomicInteger();
        driver.awaitExit(() -> mostAtOnce.accumulateAndGet(cluster.executorPids().size(), Math::max));
        assertEquals(0, driver.process().exitValue(), driver.log());
        assertEquals(2, mostAtOnce.get(), "executor JVMs running at once while training\n" + driver.log());

        JsonNode record = TrainAndAggregateIT.onlyRecord(tmp.resolve("results"));
        assertEquals("completed", record.get("status").asText());
        assertEquals(cluster.masterUrl(), record.get("sparkMaster").asText());
        assertEquals(2, record.get("workers").asInt());
        assertFalse(record.get("resumed").asBoolean());
    }

    /**
     * Faults change nothing. A run loses its driver after epoch 1 and resumes from the checkpoint; the same run again
     * loses an executor while that executor trains in epoch 1, and Spark retries the lost task. Both end with the same
     * weights and updater state, bit for bit, and the same loss, top-1 and top-5 per epoch; the second run's epoch-1
     * checkpoint equals the first run's, which no fault touched. Four workers share two executor cores, so results reach
     * the driver in an order the scheduler and the retry decide, where sums in arrival order would differ in the last
     * bits (see DeterministicAveragingMaster).
     */
    @Test
    void faultsChangeNothing(@TempDir Path tmp) throws Exception {
        Path resumedRun = tmp.resolve("driver-killed");
        String[] args = faultRunArgs(resumedRun);
        var first = submit(tmp, "first.log", args);
        awaitLogLine(first, line -> line.startsWith("epoch 1/2"));
        first.kill();
        // the folder itself exists: the writability check before Spark starts creates it
        try (Stream<Path> files = Files.list(resumedRun.resolve("results"))) {
            assertFalse(files.anyMatch(file -> file.toString().endsWith(".json")), "the killed driver must not have written a record");
        }

        var resumed = submit(tmp, "second.log", append(args, "--resume"));
        resumed.awaitExit(() -> { });
        assertEquals(0, resumed.process().exitValue(), resumed.log());
        assertTrue(resumed.log().contains("resuming run"), resumed.log());
        assertFalse(resumed.log().contains("epoch 1/2"), "epoch 1 must not be trained again\n" + resumed.log());
        JsonNode resumedRecord = TrainAndAggregateIT.onlyRecord(resumedRun.resolve("results"));
        assertTrue(resumedRecord.get("resumed").asBoolean());

        Path executorLostRun = tmp.resolve("executor-lost");
        var driver = submit(tmp, "executor-loss.log", faultRunArgs(executorLostRun));
        awaitLogLine(driver, line -> line.startsWith("  epoch 1 "));
        List<Long> before = cluster.executorPids();
        assertEquals(2, before.size(), driver.log());
        var training = TrainingTasks.killExecutorDuringTask(driver.process(), driver::log,
                executor -> ProcessHandle.of(executorPid(executor)).orElseThrow(),
                Duration.ofMinutes(ClusterDriver.TIMEOUT_MINUTES));
        long victim = training.executorPid();

        Set<Long> after = new HashSet<>();
        driver.awaitExit(() -> after.addAll(cluster.executorPids()));
        assertEquals(0, driver.process().exitValue(), driver.log());
        assertTrue(Pattern.compile("Lost task \\S+ in stage \\S+ \\(TID " + training.id() + "\\)").matcher(driver.log()).find(),
                "the killed executor's task " + training.id() + " must have been lost and retried\n" + driver.log());
        assertFalse(after.contains(victim));
        assertTrue(after.stream().anyMatch(pid -> !before.contains(pid)), "the Worker must start a replacement executor");
        JsonNode executorLostRecord = TrainAndAggregateIT.onlyRecord(executorLostRun.resolve("results"));

        for (JsonNode record : List.of(resumedRecord, executorLostRecord)) {
            assertEquals("completed", record.get("status").asText());
            assertEquals(2, record.get("epochs").size());
        }
        assertAll(
                () -> assertEquals(metrics(resumedRecord), metrics(executorLostRecord), "loss, top-1, top-5 per epoch"),
                () -> assertSameBits(checkpoint(resumedRun, 1), checkpoint(executorLostRun, 1), "epoch 1"),
                () -> assertSameBits(checkpoint(resumedRun, 2), checkpoint(executorLostRun, 2), "epoch 2"));
    }

    /** Two epochs of the tiny run, four workers averaging after every minibatch. */
    private static String[] faultRunArgs(Path dir) {
        var list = new ArrayList<>(List.of(TinyRun.args(cluster.data(), dir.resolve("results"), dir.resolve("work"), null, "none")));
        list.set(list.indexOf("--epochs") + 1, "2");
        list.set(list.indexOf("--workers") + 1, "4");
        list.set(list.indexOf("spark.averagingFrequency=2"), "spark.averagingFrequency=1");
        return list.toArray(String[]::new);
    }

    private static List<List<Double>> metrics(JsonNode record) {
        var metrics = new ArrayList<List<Double>>();
        record.get("epochs").forEach(epoch -> metrics.add(List.of(epoch.get("trainLoss").asDouble(),
                epoch.get("top1").asDouble(), epoch.get("top5").asDouble())));
        return metrics;
    }

    private static ComputationGraph checkpoint(Path run, int epoch) throws IOException {
        try (Stream<Path> setups = Files.list(run.resolve("work/checkpoints"))) {
            Path zip = setups.findFirst().orElseThrow().resolve(String.format("epoch-%04d.zip", epoch));
            return Checkpoints.read(zip.toUri().toString(), new Configuration()).network();
        }
    }

    private static void assertSameBits(ComputationGraph expected, ComputationGraph actual, String what) {
        float[] expectedParams = expected.params().toFloatVector();
        float[] actualParams = actual.params().toFloatVector();
        float[] expectedUpdater = expected.getUpdater().getStateViewArray().toFloatVector();
        float[] actualUpdater = actual.getUpdater().getStateViewArray().toFloatVector();
        assertArrayEquals(expectedParams, actualParams, what + ": parameters differ, max abs difference "
                + maxAbsDifference(expectedParams, actualParams));
        assertArrayEquals(expectedUpdater, actualUpdater, what + ": updater state differs, max abs difference "
                + maxAbsDifference(expectedUpdater, actualUpdater));
    }

    private static double maxAbsDifference(float[] a, float[] b) {
        double max = 0;
        for (int i = 0; i < Math.min(a.length, b.length); i++) {
            max = Math.max(max, Math.abs((double) a[i] - b[i]));
        }
        return max;
    }

    private static long executorPid(int executorId) {
        return cluster.executorPids().stream()
                .filter(pid -> ProcessHandle.of(pid).flatMap(p -> p.info().arguments()).map(List::of)
                        .map(arguments -> arguments.indexOf("--executor-id") >= 0
                                && arguments.get(arguments.indexOf("--executor-id") + 1).equals(String.valueOf(executorId)))
                        .orElse(false))
                .findFirst().orElseThrow(() -> new AssertionError("no JVM of executor " + executorId));
    }

    private static void awaitLogLine(ClusterDriver driver, Predicate<String> line) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(ClusterDriver.TIMEOUT_MINUTES);
        while (driver.log().lines().noneMatch(line)) {
            if (!driver.process().isAlive()) {
                fail("the driver ended before the expected line\n" + driver.log());
            }
            if (System.nanoTime() > deadline) {
                driver.kill();
                fail("the expected line did not appear\n" + driver.log());
            }
            Thread.sleep(200);
        }
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
