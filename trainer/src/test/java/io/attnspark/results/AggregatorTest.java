package io.attnspark.results;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.attnspark.record.Experiment;
import io.attnspark.record.Experiments;
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

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class AggregatorTest {

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
    void validRunsAreTabledAndEveryOtherFileIsReportedWithItsReason() throws IOException {
        Path results = dir.resolve("results");
        RunRecordWriter writer = new RunRecordWriter(spark.sparkContext().hadoopConfiguration());
        for (int seed = 1; seed <= 2; seed++) {
            writer.write(RunRecords.completed("resnet18-none-s" + seed, "resnet18", "none", seed, 0.70 + seed / 100.0),
                    results.resolve("resnet18").toString(), WriteMode.CREATE_NEW);
            writer.write(RunRecords.completed("resnet18-se-s" + seed, "resnet18", "se", seed, 0.72 + seed / 100.0),
                    results.resolve("resnet18").toString(), WriteMode.CREATE_NEW);
        }
        writer.write(RunRecords.failed("resnet18-se-s3", "resnet18", "se", OOM), results.toString(),
                WriteMode.CREATE_NEW);
        Files.writeString(results.resolve("malformed.json"), "{\"runId\": \"bad\", \"status\": completed}\n");
        String valid = new String(RunRecordJson.toBytes(
                RunRecords.completed("resnet50-none-s3", "resnet50", "none", 3, 0.10)), StandardCharsets.UTF_8);
        ObjectNode noFinalTop1 = (ObjectNode) new ObjectMapper().readTree(valid);
        noFinalTop1.remove("finalTop1");
        Files.writeString(results.resolve("missing-field.json"), noFinalTop1.toString());
        ObjectNode wrongType = (ObjectNode) new ObjectMapper().readTree(valid);
        wrongType.put("finalTop1", "0.8");
        Files.writeString(results.resolve("wrong-type.json"), wrongType.toString());
        Files.writeString(results.resolve("empty.json"), "");
        Files.writeString(results.resolve(".resnet50-none-s9.json.tmp"), valid.substring(0, 10));
        Path original = results.resolve("resnet18/resnet18-se-s1.json");
        Path copy = Files.copy(original,
                Files.createDirectories(results.resolve("copy")).resolve("resnet18-se-s1.json"));

        AggregateResult result = new Aggregator(spark).aggregate(results.toString());

        assertEquals(4, result.runCount());
        assertEquals(1, result.experiments().size());
        List<SkippedFile> skipped = result.skipped();
        assertEquals(List.of(uri(results.resolve("empty.json")), uri(results.resolve("malformed.json")),
                uri(results.resolve("missing-field.json")), uri(results.resolve("resnet18-se-s3.json")), uri(original),
                uri(results.resolve("wrong-type.json"))), skipped.stream().map(SkippedFile::file).toList());
        assertEquals("no JSON record in the file", skipped.get(0).reason());
        assertTrue(skipped.get(1).reason().startsWith("malformed JSON: "), skipped.get(1).reason());
        assertEquals("missing required field(s): finalTop1", skipped.get(2).reason());
        assertEquals("status is 'failed': " + OOM, skipped.get(3).reason());
        assertEquals("duplicate runId 'resnet18-se-s1', aggregated from " + uri(copy), skipped.get(4).reason());
        // not "malformed JSON": the field and what it must be
        assertEquals("field 'finalTop1' must be a number, got \"0.8\"", skipped.get(5).reason());

        Path out = results.resolve("aggregate");
        assertEquals(result.toMarkdown(), Files.readString(out.resolve(Aggregator.TABLE_MD)));
        List<String> csv = Files.readAllLines(out.resolve(Aggregator.TABLE_CSV));
        // the module's options are part of the compared variant
        assertEquals("experiment,row,plain,plain_std,plain_n,se (reduction=16),se (reduction=16)_std,"
                + "se (reduction=16)_n,se (reduction=16)_delta,se (reduction=16)_ci_low,se (reduction=16)_ci_high,"
                + "se (reduction=16)_test,se (reduction=16)_p", csv.get(0));
        String key = result.experiments().get(0).experiment().key();
        assertTrue(csv.get(1).startsWith(key + ",resnet18,71.50,0.71,2,73.50,0.71,2,+2.00,"), csv.get(1));
        assertNoHiddenLeftovers(out);
    }

    @Test
    void aMissingFolderOrOneWithoutRecordsIsOneClearLine() throws IOException {
        Path missing = dir.resolve("nothing-here");
        IllegalArgumentException noFolder = assertThrows(IllegalArgumentException.class,
                () -> new Aggregator(spark).aggregate(missing.toString()));
        assertTrue(noFolder.getMessage().contains(missing + " does not exist"), noFolder.getMessage());
        Path empty = Files.createDirectories(dir.resolve("empty"));
        Files.writeString(empty.resolve("notes.txt"), "not a record");
        IllegalArgumentException noRecords = assertThrows(IllegalArgumentException.class,
                () -> new Aggregator(spark).aggregate(empty.toString()));
        assertTrue(noRecords.getMessage().contains("holds no run record (*.json)"), noRecords.getMessage());
    }

    /** The 8 records: plain and SE at lr 0.1 and 0.4, 2 seeds each, SE +2 points at both. */
    private List<RunRecord> learningRateSweep() {
        List<RunRecord> runs = new java.util.ArrayList<>();
        double[][] plainBySeed = {{0.810, 0.814}, {0.410, 0.416}};
        double[] lrs = {0.1, 0.4};
        for (int i = 0; i < 2; i++) {
            for (int seed = 1; seed <= 2; seed++) {
                double plain = plainBySeed[i][seed - 1];
                // +2.1 and +1.9 points: the same seed's pair differs by about 2
                double se = plain + (seed == 1 ? 0.021 : 0.019);
                Map<String, Object> config = TestRuns.config("data/fmnist", lrs[i], 4);
                runs.add(TestRuns.run("none-lr" + lrs[i] + "-s" + seed, "resnet18", "none", seed, plain, config, 2));
                runs.add(TestRuns.run("se-lr" + lrs[i] + "-s" + seed, "resnet18", "se", seed, se, config, 2));
            }
        }
        return runs;
    }

    @Test
    void runsAtDifferentLearningRatesAreSeparateExperimentsOrAnAxisButNeverPooled() throws IOException {
        Path results = write("lr", learningRateSweep());

        AggregateResult split = new Aggregator(spark, false, List.of()).aggregate(results.toString(),
                dir.resolve("lr-out").toString());

        assertEquals(2, split.experiments().size());
        for (ExperimentReport experiment : split.experiments()) {
            Comparison se = comparison(experiment, "resnet18 + se");
            assertEquals(2, se.variant().seeds());
            assertEquals(2.0, se.delta(Comparison.Metric.TOP1), 1e-9);
            assertTrue(experiment.experiment().summary().contains("lr 0.1")
                    || experiment.experiment().summary().contains("lr 0.4"), experiment.experiment().summary());
        }
        System.out.println(split.render());

        AggregateResult axis = new Aggregator(spark, false, List.of("recipe.lr")).aggregate(results.toString(),
                dir.resolve("lr-axis-out").toString());
        System.out.println(axis.render());

        assertEquals(1, axis.experiments().size());
        ExperimentReport experiment = axis.experiments().get(0);
        assertTrue(experiment.experiment().summary().contains("varying: recipe.lr"));
        assertEquals(List.of("resnet18 · lr=0.1", "resnet18 · lr=0.4"),
                experiment.rows().stream().map(TableRow::backbone).toList());
        Cell low = experiment.rows().get(0).cell("se").orElseThrow();
        assertEquals(83.2, low.meanPercent(), 1e-9);
        assertEquals(2.0, low.deltaPercent(), 1e-9);
        assertEquals(DifferenceTest.Kind.PAIRED, low.test().kind());
        // paired differences 2.1 and 1.9: t = 2.0 / 0.1 = 20 with 1 df, two-sided p = 1 - 2 atan(20) / pi;
        // the 95 % interval is 2.0 ± t(0.975, 1) x 0.1 with t(0.975, 1) = 12.706 from a published t table
        assertEquals(1 - 2 * Math.atan(20) / Math.PI, low.pValue(), 1e-9);
        assertEquals(2.0 - 1.2706, low.test().low(), 1e-4);
        assertEquals(2.0 + 1.2706, low.test().high(), 1e-4);
        assertEquals(Significance.SIGNIFICANT, low.significance());
        Cell high = experiment.rows().get(1).cell("se").orElseThrow();
        assertEquals(43.3, high.meanPercent(), 1e-9);
        assertEquals(2.0, high.deltaPercent(), 1e-9);
    }

    @Test
    void welchWhereTheSeedsDifferAndNothingFromOneSeed() throws IOException {
        Map<String, Object> config = TestRuns.config("data/fmnist", 0.1, 4);
        Path results = write("welch", List.of(
                TestRuns.run("p1", "resnet18", "none", 1, 0.70, config, 2),
                TestRuns.run("p2", "resnet18", "none", 2, 0.72, config, 2),
                TestRuns.run("s3", "resnet18", "se", 3, 0.74, config, 2),
                TestRuns.run("s4", "resnet18", "se", 4, 0.76, config, 2),
                TestRuns.run("c5", "resnet18", "cbam", 5, 0.75, config, 2)));

        ExperimentReport experiment = single(new Aggregator(spark, false, List.of()).aggregate(results.toString(),
                dir.resolve("welch-out").toString()));

        DifferenceTest se = comparison(experiment, "resnet18 + se").test(Comparison.Metric.TOP1);
        assertEquals(DifferenceTest.Kind.WELCH, se.kind());
        // s^2 = 2 on both sides: t = 4 / sqrt(2) with df = 2 (WelchReference), p = 1 - t / sqrt(2 + t^2);
        // interval 4 ± t(0.975, 2) x sqrt(2) with t(0.975, 2) = 4.303 from a published t table
        assertEquals(2.0, WelchReference.degreesOfFreedom(new double[]{74, 76}, new double[]{70, 72}), 1e-12);
        assertEquals(1 - Math.sqrt(8) / Math.sqrt(10), se.p(), 1e-9);
        assertEquals(4.0 - 4.303 * Math.sqrt(2), se.low(), 1e-3);
        assertEquals(Significance.NOT_SIGNIFICANT, se.significance());
        Cell cbam = experiment.rows().get(0).cell("cbam").orElseThrow();
        assertEquals(DifferenceTest.Kind.NONE, cbam.test().kind());
        assertNull(cbam.pValue());
        assertEquals(Significance.NOT_TESTABLE, cbam.significance());
        assertEquals("75.00 (+4.00, untested), n=1", cbam.format());
    }

    @Test
    void differentDatasetsEpochsAndWorkersAreDifferentExperimentsEvenWithOneSeed() throws IOException {
        Path results = write("mixed", List.of(
                TestRuns.run("a", "resnet18", "se", 42, 0.20, TestRuns.config("data/cifar", 0.1, 1), 2),
                TestRuns.run("b", "resnet18", "se", 42, 0.15, TestRuns.config("data/fmnist", 0.1, 1), 2),
                TestRuns.run("c", "resnet18", "se", 42, 0.18, TestRuns.config("data/fmnist", 0.1, 2), 2),
                TestRuns.run("d", "resnet18", "se", 42, 0.17, TestRuns.config("data/fmnist", 0.1, 2), 8),
                // where it ran is no part of the experiment
                TestRuns.run("e", "resnet18", "none", 42, 0.16, withMaster(TestRuns.config("data/fmnist", 0.1, 2),
                        "spark://10.0.0.1:7077"), 8)));

        AggregateResult result = new Aggregator(spark, false, List.of()).aggregate(results.toString(),
                dir.resolve("mixed-out").toString());

        assertEquals(4, result.experiments().size());
        for (ExperimentReport experiment : result.experiments()) {
            assertTrue(experiment.comparisons().stream().allMatch(c -> c.variant().seeds() == 1));
        }
        ExperimentReport eightWorkers = result.experiments().stream()
                .filter(e -> e.experiment().summary().contains("8 workers x batch 32")).findFirst().orElseThrow();
        assertEquals(2, eightWorkers.comparisons().size());
        assertTrue(eightWorkers.experiment().summary().contains("2 epochs"), eightWorkers.experiment().summary());
    }

    @Test
    void repeatedSeedsAreReplicatesNotSeeds() throws IOException {
        Map<String, Object> config = TestRuns.config("data/fmnist", 0.1, 4);
        Path results = write("replicates", List.of(
                TestRuns.run("p1", "resnet18", "none", 1, 0.70, config, 2),
                TestRuns.run("p1b", "resnet18", "none", 1, 0.72, config, 2),
                TestRuns.run("s1", "resnet18", "se", 1, 0.74, config, 2),
                TestRuns.run("s1b", "resnet18", "se", 1, 0.74, config, 2),
                TestRuns.run("s1c", "resnet18", "se", 1, 0.77, config, 2)));

        ExperimentReport experiment = single(new Aggregator(spark, false, List.of()).aggregate(results.toString(),
                dir.resolve("replicates-out").toString()));

        Cell se = experiment.rows().get(0).cell("se").orElseThrow();
        assertEquals(1, se.seeds());
        assertEquals(2, se.replicates());
        assertEquals(75.0, se.meanPercent(), 1e-9);
        assertNull(se.stdPercent());
        assertEquals(Significance.NOT_TESTABLE, se.significance());
        assertEquals("75.00 (+4.00, untested), n=1 +2 replicates", se.format());
    }

    @Test
    void recordsThatPredateTheExperimentKeyGetTheOneTheTrainerWouldWrite() throws IOException {
        Map<String, Object> config = TestRuns.config("data/fmnist", 0.1, 4);
        RunRecord old = TestRuns.run("old", "resnet18", "none", 1, 0.70, config, 2);
        RunRecord current = withExperiment(TestRuns.run("new", "resnet18", "se", 1, 0.72, config, 2),
                Experiments.of(config, null, 2, List.of()));
        Path results = write("old-and-new", List.of(old, current));
        ObjectNode oldJson = (ObjectNode) new ObjectMapper().readTree(results.resolve("old.json").toFile());
        oldJson.remove(List.of("dataset", "experiment", "defaultPlacement", "gpuAssignments"));
        Files.writeString(results.resolve("old.json"), oldJson.toString());
        // the local file system's checksum of the file as written
        Files.delete(results.resolve(".old.json.crc"));

        ExperimentReport experiment = single(new Aggregator(spark, false, List.of()).aggregate(results.toString(),
                dir.resolve("old-and-new-out").toString()));

        assertEquals(current.experiment(), experiment.experiment());
        assertEquals(2.0, comparison(experiment, "resnet18 + se").delta(Comparison.Metric.TOP1), 1e-9);
    }

    /** GC's default is after the add in stages 2-4: the main table shows it, and other placements only elsewhere. */
    @Test
    void theMainTableShowsEachModuleAtItsDefaultPlacement() throws IOException {
        Path results = write("placements", List.of(
                TestRuns.run("resnet50", "none", "standard", null, true, 1, 0.70, 25_557_032L, 50),
                TestRuns.run("resnet50", "gc", "after_add", List.of(2, 3, 4), true, 1, 0.72, 26_000_000L, 45),
                TestRuns.run("resnet50", "gc", "standard", List.of(1, 2, 3, 4), false, 1, 0.73, 26_100_000L, 45),
                TestRuns.run("resnet50", "gc", "standard", List.of(1, 2, 3, 4), false, 2, 0.73, 26_100_000L, 45),
                TestRuns.run("resnet50", "se", "post", List.of(1, 2, 3, 4), false, 1, 0.71, 28_088_024L, 44)));

        ExperimentReport experiment = single(new Aggregator(spark, false, List.of()).aggregate(results.toString(),
                dir.resolve("placements-out").toString()));

        Cell gc = experiment.rows().get(0).cell("gc").orElseThrow();
        assertEquals(72.0, gc.meanPercent(), 1e-9);
        assertTrue(experiment.rows().get(0).cell("se").isEmpty());
        assertEquals(73.0, comparison(experiment, "resnet50 + gc (standard)").variant().top1().mean(), 1e-9);
        assertEquals(71.0, comparison(experiment, "resnet50 + se (post)").variant().top1().mean(), 1e-9);
        // records without a dataset identity: the number of classes is unknown, so top-5 is shown
        assertEquals(List.of("Top-1 (%)", "Top-5 (%)", "Variants", "Top-1 (%) by insertion position",
                        "Top-1 (%) by stage"),
                experiment.tables().stream().map(ReportTable::title).toList());
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

    private Path write(String name, List<RunRecord> runs) throws IOException {
        Path results = dir.resolve(name);
        RunRecordWriter writer = new RunRecordWriter(spark.sparkContext().hadoopConfiguration());
        for (RunRecord run : runs) {
            writer.write(run, results.toString(), WriteMode.CREATE_NEW);
        }
        return results;
    }

    static ExperimentReport single(AggregateResult result) {
        assertEquals(1, result.experiments().size(), result.render());
        return result.experiments().get(0);
    }

    static Comparison comparison(ExperimentReport experiment, String label) {
        return experiment.comparisons().stream().filter(c -> c.variant().label().equals(label)).findFirst()
                .orElseThrow(() -> new AssertionError("no variant " + label + " in " + experiment.comparisons()
                        .stream().map(c -> c.variant().label()).toList()));
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> withMaster(Map<String, Object> config, String master) {
        Map<String, Object> copy = new java.util.LinkedHashMap<>(config);
        Map<String, Object> sparkSection = new java.util.LinkedHashMap<>((Map<String, Object>) config.get("spark"));
        sparkSection.put("master", master);
        copy.put("spark", sparkSection);
        return copy;
    }

    private static RunRecord withExperiment(RunRecord r, Experiment experiment) {
        return new RunRecord(r.schemaVersion(), r.runId(), r.status(), r.error(), r.backbone(), r.attention(),
                r.attentionOptions(), r.position(), r.defaultPlacement(), r.seed(), r.config(), r.epochs(),
                r.finalTop1(), r.finalTop5(), r.bestTop1(), r.parameterCount(), r.wallTimeSeconds(),
                r.imagesPerSecond(), r.sparkMaster(), r.workers(), r.resumed(), r.provenance(), r.dataset(),
                experiment, r.gpuAssignments());
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
