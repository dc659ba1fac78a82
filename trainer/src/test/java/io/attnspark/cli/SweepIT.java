package io.attnspark.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.attnspark.datasets.fashion.FashionMnistConverter;
import io.attnspark.results.Aggregator;
import io.attnspark.results.TableRow;
import io.attnspark.sweep.SweepSpec;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A real sweep in this JVM on local[2]: 2 backbones x 3 attentions x 2 seeds of tiny one-epoch runs, sharing one
 * converted and packed Fashion-MNIST subset, then resumed (nothing left to run) and aggregated.
 */
class SweepIT {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void runsResumesAndAggregatesAGridSweep(@TempDir Path tmp) throws Exception {
        Path data = tmp.resolve("fmnist");
        new FashionMnistConverter(FashionMnistConverter.locate()).convert(data, new FashionMnistConverter.Limits(16, 8));
        Path results = tmp.resolve("results");
        Path spec = tmp.resolve("sweep.yaml");
        Files.writeString(spec, """
                name: tiny
                base:
                  data.path: %s
                  workDir: %s
                  model.width: 0.25
                  model.imageSize: 32
                  spark.workers: 2
                  spark.batchSizePerWorker: 8
                  spark.averagingFrequency: 2
                  spark.conf: {spark.ui.enabled: 'false'}
                  recipe.epochs: 1
                  recipe.lr: 0.2
                grid:
                  model.backbone: [resnet18, resnet34]
                  model.attention: [none, se, eca]
                seeds: [1, 2]
                results: %s
                master: local[2]
                retries: 1
                """.formatted(data, tmp.resolve("work"), results));

        String dryRun = run(0, "sweep", spec.toString(), "--dry-run");
        assertTrue(dryRun.contains("12 points, 0 completed"), dryRun);
        assertTrue(dryRun.lines().anyMatch(l -> l.matches("12 +[0-9a-f]{10} +pending +0 +- +resnet34 +eca +2")), dryRun);

        long t0 = System.nanoTime();
        String sweep = run(0, "sweep", spec.toString());
        double seconds = (System.nanoTime() - t0) / 1e9;
        System.out.printf("SweepIT: 12 points in %.0f s (%.1f s per point)%n", seconds, seconds / 12);
        assertTrue(sweep.contains("12 points, 12 completed"), sweep);

        JsonNode index = JSON.readTree(results.resolve(SweepSpec.indexFileName("tiny")).toFile());
        assertEquals(12, index.get("points").size());
        Set<String> indexedRuns = new TreeSet<>();
        for (JsonNode point : index.get("points")) {
            assertEquals("completed", point.get("status").asText(), point.toString());
            indexedRuns.add(point.get("runId").asText() + ".json");
        }
        List<Path> records;
        try (Stream<Path> files = Files.list(results)) {
            records = files.filter(p -> p.getFileName().toString().endsWith(".json") && !p.getFileName().toString().startsWith("_")).toList();
        }
        assertEquals(12, records.size(), "records: " + records);
        Set<String> combos = new TreeSet<>();
        for (Path file : records) {
            JsonNode record = JSON.readTree(file.toFile());
            assertEquals("completed", record.get("status").asText());
            combos.add(record.get("backbone").asText() + "+" + record.get("attention").asText() + "+" + record.get("seed").asLong());
        }
        assertEquals(12, combos.size(), combos.toString());
        assertEquals(indexedRuns, new TreeSet<>(records.stream().map(p -> p.getFileName().toString()).toList()));

        String resumed = run(0, "sweep", spec.toString());
        assertTrue(resumed.contains("12 already completed, 0 to run"), resumed);

        try (var spark = SparkSession.builder().master("local[2]").appName("SweepIT aggregate")
                .config("spark.ui.enabled", "false").config("spark.sql.shuffle.partitions", "2").getOrCreate()) {
            var result = new Aggregator(spark, false, List.of()).aggregate(results.toString(), tmp.resolve("aggregate").toString());
            // the table goes to the test output, where a reader of the CI log finds what the sweep produced
            System.out.println(result.render());
            assertEquals(12, result.runCount());
            assertEquals(List.of(), result.skipped(), "the sweep index must not be taken for a record");
            assertEquals(Set.of("resnet18", "resnet34"), result.experiments().stream()
                    .flatMap(e -> e.rows().stream()).map(TableRow::backbone).collect(Collectors.toSet()));
            assertEquals(Set.of("none", "se", "eca"), result.comparisons().stream()
                    .map(c -> c.variant().attention()).collect(Collectors.toSet()));
        }
    }

    /** Runs the CLI and returns what it printed. */
    private static String run(int expectedExit, String... args) {
        var captured = new ByteArrayOutputStream();
        PrintStream original = System.out;
        System.setOut(new PrintStream(captured, true));
        int exit;
        try {
            exit = AttnSpark.commandLine().execute(args);
        } finally {
            System.setOut(original);
        }
        String text = captured.toString();
        original.print(text);
        assertEquals(expectedExit, exit, text);
        return text;
    }
}
