package io.attnspark.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.attnspark.datasets.fashion.FashionMnistConverter;
import io.attnspark.train.cluster.LoopbackCluster;
import io.attnspark.train.cluster.SparkHome;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Training tasks use the GPU that Spark assigned them. Two standalone Workers on 127.0.0.1 each report two "GPUs"
 * through a discovery script (no GPU is needed: on the CPU backend a task only records its assignment); each Worker's
 * executor runs two training tasks at a time, one GPU each. Spark's event log gives every task's executor, run time and
 * the assignment it recorded.
 */
class GpuAssignmentIT {

    /** DeterministicAveragingMaster's name for the RDD of each averaging round. */
    private static final String TRAINING_ROUND = "attnspark training round";
    private static final Pattern ASSIGNMENT = Pattern.compile("GpuAssignment\\[executor=(\\S+), partition=(\\d+), gpu=([^\\]]+)]");

    @TempDir
    static Path shared;
    private static Path root;
    private static SparkHome home;
    private static LoopbackCluster cluster;
    private static Path data;

    @BeforeAll
    static void startCluster() throws IOException {
        root = Path.of(System.getProperty("attnspark.root"));
        home = SparkHome.assemble(root.resolve("trainer/target/lib"), root.resolve("cluster-config/spark-home/bin"),
                shared.resolve("spark-home"));
        data = shared.resolve("fmnist");
        new FashionMnistConverter(FashionMnistConverter.locate()).convert(data, new FashionMnistConverter.Limits(16, 8));
        Path discovery = shared.resolve("two-fake-gpus.sh");
        Files.writeString(discovery, "#!/usr/bin/env bash\necho '{\"name\": \"gpu\", \"addresses\": [\"0\", \"1\"]}'\n");
        Files.setPosixFilePermissions(discovery, PosixFilePermissions.fromString("rwxr-xr-x"));
        cluster = LoopbackCluster.start(home, shared.resolve("cluster"), 2, 2, "3g", Map.of(
                "spark.worker.resource.gpu.amount", "2",
                "spark.worker.resource.gpu.discoveryScript", discovery.toString()));
    }

    @AfterAll
    static void stopCluster() {
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    void everyTrainingTaskUsesTheGpuSparkAssignedIt(@TempDir Path tmp) throws Exception {
        Path events = Files.createDirectories(tmp.resolve("events"));
        var args = new ArrayList<>(List.of(TinyRun.args(data, tmp.resolve("results"), tmp.resolve("work"), null, "none")));
        args.set(args.indexOf("--workers") + 1, "4");
        var driver = ClusterDriver.submit(root, home, cluster, tmp, "train.log", Map.of(
                "spark.executor.cores", "2",
                "spark.cores.max", "4",
                "spark.executor.resource.gpu.amount", "2",
                "spark.task.resource.gpu.amount", "1",
                "spark.eventLog.enabled", "true",
                "spark.eventLog.dir", events.toUri().toString()), args.toArray(String[]::new));
        driver.awaitExit(() -> { });
        assertEquals(0, driver.process().exitValue(), driver.log());

        List<Task> tasks = trainingTasks(events);
        assertTrue(tasks.size() >= 4, "training tasks in the event log: " + tasks);
        Set<List<String>> assigned = new TreeSet<>(Comparator.comparing(Object::toString));
        for (Task task : tasks) {
            assertEquals(1, task.assignments().size(), "every training task records its one GPU: " + task);
            var assignment = task.assignments().get(0);
            assertEquals(task.executor(), assignment.get(0), task.toString());
            assertEquals(String.valueOf(task.partition()), assignment.get(1), task.toString());
            assertTrue(Set.of("0", "1").contains(assignment.get(2)), task.toString());
            assigned.add(assignment);
        }
        int overlapping = 0;
        for (Task a : tasks) {
            for (Task b : tasks) {
                if (a.id() < b.id() && a.executor().equals(b.executor()) && a.launch() < b.finish() && b.launch() < a.finish()) {
                    overlapping++;
                    assertNotEquals(a.gpu(), b.gpu(), "tasks running at once on one executor share a GPU: " + a + ", " + b);
                }
            }
        }
        assertTrue(overlapping > 0, "no two training tasks ran at once on one executor: " + tasks);
        assertEquals(2, tasks.stream().map(Task::executor).distinct().count(), "both Workers' executors trained: " + tasks);

        JsonNode record = TrainAndAggregateIT.onlyRecord(tmp.resolve("results"));
        Set<List<String>> recorded = new TreeSet<>(Comparator.comparing(Object::toString));
        record.get("gpuAssignments").forEach(a -> recorded.add(List.of(a.get("executor").asText(),
                a.get("partition").asText(), a.get("gpu").asText())));
        assertEquals(assigned, recorded, "the record lists each (executor, partition, GPU) the tasks used");
        assertEquals(recorded.size(), record.get("gpuAssignments").size());
    }

    /** A successful task of an averaging round, with the assignments it recorded as (executor, partition, GPU). */
    private record Task(long id, int stage, int partition, String executor, long launch, long finish,
                        List<List<String>> assignments) {
        String gpu() {
            return assignments.get(0).get(2);
        }
    }

    private static List<Task> trainingTasks(Path events) throws IOException {
        List<JsonNode> lines = new ArrayList<>();
        var mapper = new ObjectMapper();
        try (Stream<Path> files = Files.list(events)) {
            for (Path file : files.toList()) {
                for (String line : Files.readAllLines(file)) {
                    lines.add(mapper.readTree(line));
                }
            }
        }
        Set<Integer> trainingStages = new HashSet<>();
        lines.stream().filter(e -> e.get("Event").asText().equals("SparkListenerStageSubmitted")).forEach(e -> {
            JsonNode stage = e.get("Stage Info");
            stage.get("RDD Info").forEach(rdd -> {
                if (rdd.get("Name").asText().equals(TRAINING_ROUND)) {
                    trainingStages.add(stage.get("Stage ID").asInt());
                }
            });
        });
        List<Task> tasks = new ArrayList<>();
        lines.stream().filter(e -> e.get("Event").asText().equals("SparkListenerTaskEnd")
                        && trainingStages.contains(e.get("Stage ID").asInt())
                        && e.get("Task End Reason").get("Reason").asText().equals("Success"))
                .forEach(e -> {
                    JsonNode info = e.get("Task Info");
                    List<List<String>> assignments = new ArrayList<>();
                    info.get("Accumulables").forEach(accumulable -> {
                        if (accumulable.path("Name").asText().equals("GPU assignments")) {
                            ASSIGNMENT.matcher(accumulable.get("Update").asText()).results()
                                    .forEach(m -> assignments.add(List.of(m.group(1), m.group(2), m.group(3))));
                        }
                    });
                    tasks.add(new Task(info.get("Task ID").asLong(), e.get("Stage ID").asInt(), info.get("Partition ID").asInt(),
                            info.get("Executor ID").asText(), info.get("Launch Time").asLong(), info.get("Finish Time").asLong(),
                            assignments));
                });
        return tasks;
    }
}
