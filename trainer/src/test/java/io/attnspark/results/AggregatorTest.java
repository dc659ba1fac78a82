package io.attnspark.results;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.attnspark.record.RunRecord;
import io.attnspark.record.RunRecordJson;
import io.attnspark.record.RunRecordWriter;
import io.attnspark.record.RunRecords;
import io.attnspark.record.WriteMode;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class AggregatorTest {

    private static final String MALFORMED = "malformed JSON (not parseable, or a value of the wrong type)";
    private static final String OOM = "java.lang.OutOfMemoryError: Java heap space";

    private static SparkSession spark;

    @TempDir
    Path dir;

    @BeforeAll
    static void startSpark() {
        spark = SparkSession.builder()
                .master("local[1]")
                .appName("AggregatorTest")
                .config("spark.ui.enabled", "false")
                .config("spark.sql.shuffle.partitions", "2")
                .config("spark.driver.bindAddress", "127.0.0.1")
                .config("spark.driver.host", "127.0.0.1")
                .getOrCreate();
    }

    @AfterAll
    static void stopSpark() {
        spark.stop();
    }

    @Test
    void tableOfValidRunsAndAReportOfTheRest() throws IOException {
        Path results = dir.resolve("results");
        RunRecordWriter writer = new RunRecordWriter(spark.sparkContext().hadoopConfiguration());
        // top-1 per backbone, attention and seed; the cells below are the seed means in percent and their deltas
        Object[][] runs = {
                {"resnet18", "none", 0.7000, 0.7080},   // 70.40
                {"resnet18", "se", 0.7110, 0.7140},     // 71.25, +0.85
                {"resnet18", "cbam", 0.7050, 0.7010},   // 70.30, -0.10
                {"resnet50", "none", 0.7600, 0.7620},   // 76.10
                {"resnet50", "se", 0.7700, 0.7710},     // 77.05, +0.95
                {"resnet50", "cbam", 0.7650, 0.7680},   // 76.65, +0.55
                {"resnet101", "se", 0.7800},            // 78.00, no plain run
                {"alexnet", "none", 0.6100},            // 61.00
        };
        for (Object[] run : runs) {
            for (int seed = 1; seed < run.length - 1; seed++) {
                String backbone = (String) run[0];
                String attention = (String) run[1];
                RunRecord record = RunRecords.completed(backbone + "-" + attention + "-s" + seed, backbone, attention,
                        seed, (double) run[seed + 1]);
                // in per-backbone subdirectories, to be found recursively
                writer.write(record, results.resolve(backbone).toString(), WriteMode.CREATE_NEW);
            }
        }
        writer.write(RunRecords.failed("resnet18-se-s3", "resnet18", "se", OOM), results.toString(),
                WriteMode.CREATE_NEW);
        Files.writeString(results.resolve("malformed.json"), "{\"runId\": \"bad\", \"status\": completed}\n");
        String valid = new String(RunRecordJson.toBytes(
                RunRecords.completed("resnet50-none-s3", "resnet50", "none", 3, 0.10)), StandardCharsets.UTF_8);
        Files.writeString(results.resolve("truncated.json"), valid.substring(0, valid.length() / 2));
        ObjectNode noFinalTop1 = (ObjectNode) new ObjectMapper().readTree(valid);
        noFinalTop1.remove("finalTop1");
        Files.writeString(results.resolve("missing-field.json"), noFinalTop1.toString());
        Files.writeString(results.resolve("empty.json"), "");
        // left behind by a crashed writer, and no record file: neither may count or be reported
        Files.writeString(results.resolve(".resnet50-none-s9.json.tmp"), valid.substring(0, 10));
        Files.writeString(results.resolve("notes.txt"), "not a record");
        // a copy of a run must not count twice; the first file by name is kept
        Path original = results.resolve("resnet50/resnet50-se-s1.json");
        Path copy = Files.copy(original,
                Files.createDirectories(results.resolve("copy")).resolve("resnet50-se-s1.json"));

        AggregateResult result = new Aggregator(spark).aggregate(results.toString());

        assertEquals(List.of("none", "cbam", "se"), result.attentions());
        assertEquals(14, result.runCount());
        assertEquals("""
                | backbone | plain | cbam | se |
                | --- | ---: | ---: | ---: |
                | resnet18 | 70.40 | 70.30 (-0.10) | 71.25 (+0.85) |
                | resnet50 | 76.10 | 76.65 (+0.55) | 77.05 (+0.95) |
                | resnet101 | - | - | 78.00 |
                | alexnet | 61.00 | - | - |
                """, result.toMarkdown());
        Cell resnet18Se = result.rows().get(0).cell("se").orElseThrow();
        assertEquals((0.7110 + 0.7140) / 2 * 100, resnet18Se.top1Percent(), 1e-9);
        assertEquals((0.7110 + 0.7140) / 2 * 100 - (0.7000 + 0.7080) / 2 * 100, resnet18Se.deltaPercent(), 1e-9);
        assertEquals(2, resnet18Se.runs());

        assertEquals(List.of(
                new SkippedFile(uri(results.resolve("empty.json")), "no JSON record in the file"),
                new SkippedFile(uri(results.resolve("malformed.json")), MALFORMED),
                new SkippedFile(uri(results.resolve("missing-field.json")), "missing required field(s): finalTop1"),
                new SkippedFile(uri(results.resolve("resnet18-se-s3.json")), "status is 'failed': " + OOM),
                new SkippedFile(uri(original), "duplicate runId 'resnet50-se-s1', aggregated from " + uri(copy)),
                new SkippedFile(uri(results.resolve("truncated.json")), MALFORMED)),
                result.skipped());

        Path out = results.resolve("aggregate");
        assertEquals(out.toString(), result.outDir());
        assertEquals(result.toMarkdown(), Files.readString(out.resolve(Aggregator.TABLE_MD)));
        assertEquals(List.of(
                "backbone,plain,cbam,cbam_delta,se,se_delta",
                "resnet18,70.40,70.30,-0.10,71.25,+0.85",
                "resnet50,76.10,76.65,+0.55,77.05,+0.95",
                "resnet101,,,,78.00,",
                "alexnet,61.00,,,,"), Files.readAllLines(out.resolve(Aggregator.TABLE_CSV)));
        assertTrue(result.render().contains(uri(results.resolve("truncated.json")) + ": " + MALFORMED));

        Dataset<Row> runsParquet = spark.read().parquet(out.resolve(Aggregator.RUNS_PARQUET).toString());
        assertEquals(List.of("runId", "backbone", "attention", "position", "seed", "finalTop1", "finalTop5", "bestTop1",
                "parameterCount", "imagesPerSecond", "wallTimeSeconds", "workers", "sparkMaster", "file"),
                Arrays.asList(runsParquet.columns()));
        assertEquals(14, runsParquet.count());
        Row resnet101 = runsParquet.where("runId = 'resnet101-se-s1'").first();
        assertEquals(0.78, resnet101.<Double>getAs("finalTop1"));
        assertEquals(0.90, resnet101.<Double>getAs("finalTop5"));
        assertEquals(11_689_512L, resnet101.<Long>getAs("parameterCount"));
        assertEquals(2000 / 18.0, resnet101.<Double>getAs("imagesPerSecond"), 1e-12);
        assertEquals("local[2]", resnet101.getAs("sparkMaster"));
        assertEquals(uri(results.resolve("resnet101/resnet101-se-s1.json")), resnet101.getAs("file"));

        Dataset<Row> epochsParquet = spark.read().parquet(out.resolve(Aggregator.EPOCHS_PARQUET).toString());
        assertEquals(List.of("runId", "backbone", "attention", "epoch", "trainLoss", "top1", "top5", "imagesPerSecond"),
                Arrays.asList(epochsParquet.columns()));
        assertEquals(28, epochsParquet.count());
        List<Row> alexnetEpochs = epochsParquet.where("runId = 'alexnet-none-s1'").orderBy("epoch").collectAsList();
        assertEquals(List.of(1, 2), alexnetEpochs.stream().map(row -> row.<Integer>getAs("epoch")).toList());
        assertEquals(0.61 - 0.05, alexnetEpochs.get(0).<Double>getAs("top1"), 1e-12);
        assertEquals(1.5, alexnetEpochs.get(1).<Double>getAs("trainLoss"));

        assertNoHiddenLeftovers(out);
    }

    @Test
    void noValidRunGivesAnEmptyTableAndTheReport() throws IOException {
        Path results = Files.createDirectories(dir.resolve("results"));
        Files.writeString(results.resolve("broken.json"), "{");
        Path out = dir.resolve("out");

        AggregateResult result = new Aggregator(spark).aggregate(results.toUri().toString(), out.toUri().toString());

        assertEquals(0, result.runCount());
        assertEquals(List.of(), result.rows());
        assertEquals(List.of(new SkippedFile(uri(results.resolve("broken.json")), MALFORMED)), result.skipped());
        assertEquals("| backbone |\n| --- |\n", Files.readString(out.resolve(Aggregator.TABLE_MD)));
        assertEquals(List.of("backbone"), Files.readAllLines(out.resolve(Aggregator.TABLE_CSV)));
        assertEquals(0, spark.read().parquet(out.resolve(Aggregator.RUNS_PARQUET).toString()).count());
        assertEquals(0, spark.read().parquet(out.resolve(Aggregator.EPOCHS_PARQUET).toString()).count());
    }

    @Test
    void aRecordSchemaFieldForEveryRecordComponentPlusTheCorruptRecord() {
        List<String> expected = new java.util.ArrayList<>(Arrays.stream(RunRecord.class.getRecordComponents())
                .map(java.lang.reflect.RecordComponent::getName).toList());
        expected.add("_corrupt_record");
        assertEquals(expected, Arrays.asList(RecordSchema.RUN_RECORD_FILE.fieldNames()));
        // free-form objects are kept as their JSON text
        assertEquals("string", RecordSchema.RUN_RECORD_FILE.apply("config").dataType().typeName());
        assertEquals("array", RecordSchema.RUN_RECORD_FILE.apply("epochs").dataType().typeName());
    }

    private static String uri(Path file) {
        return file.toUri().toString();
    }

    private static void assertNoHiddenLeftovers(Path out) throws IOException {
        try (var files = Files.list(out)) {
            assertEquals(List.of(), files.map(file -> file.getFileName().toString())
                    .filter(name -> name.contains(".parts") || name.endsWith(".tmp")).toList());
        }
    }
}
