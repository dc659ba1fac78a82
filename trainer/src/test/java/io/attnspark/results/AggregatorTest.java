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
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
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
        // mean final top-1 in percent per cell, and the change against plain; null = no cell
        assertEquals(List.of("resnet18", "resnet50", "resnet101", "alexnet"),
                result.rows().stream().map(TableRow::backbone).toList());
        assertCell(result, 0, "none", (70.00 + 70.80) / 2, null);
        assertCell(result, 0, "se", (71.10 + 71.40) / 2, (71.10 + 71.40) / 2 - (70.00 + 70.80) / 2);
        assertCell(result, 0, "cbam", (70.50 + 70.10) / 2, (70.50 + 70.10) / 2 - (70.00 + 70.80) / 2);
        assertCell(result, 1, "none", (76.00 + 76.20) / 2, null);
        assertCell(result, 1, "se", (77.00 + 77.10) / 2, (77.00 + 77.10) / 2 - (76.00 + 76.20) / 2);
        assertCell(result, 1, "cbam", (76.50 + 76.80) / 2, (76.50 + 76.80) / 2 - (76.00 + 76.20) / 2);
        assertCell(result, 2, "se", 78.00, null);
        assertCell(result, 3, "none", 61.00, null);
        assertTrue(result.rows().get(2).cell("none").isEmpty());
        assertTrue(result.rows().get(3).cell("se").isEmpty());
        String[] markdown = result.toMarkdown().split("\n");
        assertEquals("| backbone | plain | cbam | se |", markdown[0]);
        assertEquals("| --- | ---: | ---: | ---: |", markdown[1]);
        // sample std of 70.00 and 70.80 is 0.8 / sqrt(2); a single seed has none, and no plain means no delta
        assertTrue(markdown[2].startsWith("| resnet18 | 70.40 ± 0.57, n=2 | 70.30 ± 0.28 (-0.10)"), markdown[2]);
        assertEquals("| resnet101 | - | - | 78.00, n=1 |", markdown[4]);
        assertEquals("| alexnet | 61.00, n=1 | - | - |", markdown[5]);
        Cell resnet18Se = result.rows().get(0).cell("se").orElseThrow();
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
        List<String> csv = Files.readAllLines(out.resolve(Aggregator.TABLE_CSV));
        assertEquals("backbone,plain,plain_std,plain_n,cbam,cbam_std,cbam_n,cbam_delta,cbam_p,se,se_std,se_n,se_delta,se_p",
                csv.get(0));
        assertTrue(csv.get(1).startsWith("resnet18,70.40,0.57,2,70.30,0.28,2,-0.10,"), csv.get(1));
        assertEquals("resnet101,,,,,,,,,78.00,,1,,", csv.get(3));
        assertEquals("alexnet,61.00,,1,,,,,,,,,,", csv.get(4));
        assertTrue(result.render().contains(uri(results.resolve("truncated.json")) + ": " + MALFORMED));

        Dataset<Row> runsParquet = spark.read().parquet(out.resolve(Aggregator.RUNS_PARQUET).toString());
        assertEquals(List.of("runId", "backbone", "attention", "position", "seed", "finalTop1", "finalTop5", "bestTop1",
                "parameterCount", "imagesPerSecond", "wallTimeSeconds", "workers", "sparkMaster", "stages",
                "defaultPlacement", "attentionOptions", "config", "file"),
                Arrays.asList(runsParquet.columns()));
        assertEquals(14, runsParquet.count());
        Row resnet101 = runsParquet.where("runId = 'resnet101-se-s1'").first();
        assertEquals(0.78, resnet101.<Double>getAs("finalTop1"));
        assertEquals(0.90, resnet101.<Double>getAs("finalTop5"));
        assertEquals(11_689_512L, resnet101.<Long>getAs("parameterCount"));
        assertEquals(2000 / 18.0, resnet101.<Double>getAs("imagesPerSecond"), 1e-12);
        assertEquals("local[2]", resnet101.getAs("sparkMaster"));
        assertEquals(uri(results.resolve("resnet101/resnet101-se-s1.json")), resnet101.getAs("file"));
        // RunRecords' config has no model.stages: the module is everywhere
        assertEquals("all", resnet101.getAs("stages"));
        assertEquals(16, new ObjectMapper().readTree(resnet101.<String>getAs("attentionOptions")).get("reduction")
                .asInt());

        Dataset<Row> epochsParquet = spark.read().parquet(out.resolve(Aggregator.EPOCHS_PARQUET).toString());
        assertEquals(List.of("runId", "backbone", "attention", "position", "stages", "seed", "epoch", "trainLoss", "top1",
                        "top5", "imagesPerSecond"),
                Arrays.asList(epochsParquet.columns()));
        assertEquals(28, epochsParquet.count());
        List<Row> alexnetEpochs = epochsParquet.where("runId = 'alexnet-none-s1'").orderBy("epoch").collectAsList();
        assertEquals(List.of(1, 2), alexnetEpochs.stream().map(row -> row.<Integer>getAs("epoch")).toList());
        assertEquals(0.61 - 0.05, alexnetEpochs.get(0).<Double>getAs("top1"), 1e-12);
        assertEquals(1.5, alexnetEpochs.get(1).<Double>getAs("trainLoss"));

        assertNoHiddenLeftovers(out);
    }

    @Test
    void seedStatisticsSignificanceCostAblationsPlotsAndReport() throws IOException {
        Path results = dir.resolve("results");
        RunRecordWriter writer = new RunRecordWriter(spark.sparkContext().hadoopConfiguration());
        long r18 = 11_689_512L;
        long r18Se = 11_779_624L;
        long r50 = 25_557_032L;
        long r50Se = 28_088_024L;
        List<RunRecord> runs = List.of(
                TestRuns.run("resnet18", "none", "standard", null, 1, 0.700, r18, 100),
                TestRuns.run("resnet18", "none", "standard", null, 2, 0.720, r18, 100),
                TestRuns.run("resnet18", "se", "standard", null, 1, 0.740, r18Se, 90),
                // the trainer writes every stage when the module goes everywhere: the same placement as none listed
                TestRuns.run("resnet18", "se", "standard", List.of(1, 2, 3, 4), 2, 0.760, r18Se, 90),
                TestRuns.run("resnet18", "se", "standard", List.of(3, 4), 1, 0.730, 11_700_000L, 95),
                TestRuns.run("resnet18", "se", "standard", List.of(3, 4), 2, 0.735, 11_700_000L, 95),
                TestRuns.run("resnet18", "cbam", "standard", null, 1, 0.7501, 11_800_000L, 80),
                TestRuns.run("resnet18", "cbam", "standard", null, 2, 0.7502, 11_800_000L, 80),
                TestRuns.run("resnet18", "cbam", "standard", null, 3, 0.7503, 11_800_000L, 80),
                TestRuns.run("resnet50", "none", "standard", null, 1, 0.7600, r50, 50),
                TestRuns.run("resnet50", "none", "standard", null, 2, 0.7602, r50, 50),
                TestRuns.run("resnet50", "none", "standard", null, 3, 0.7604, r50, 50),
                TestRuns.run("resnet50", "se", "standard", null, 1, 0.7700, r50Se, 45),
                TestRuns.run("resnet50", "se", "standard", null, 2, 0.7704, r50Se, 45),
                TestRuns.run("resnet50", "se", "post", null, 1, 0.7650, r50Se, 44));
        for (RunRecord run : runs) {
            writer.write(run, results.toString(), WriteMode.CREATE_NEW);
        }
        Path out = dir.resolve("out");

        AggregateResult result = new Aggregator(spark).aggregate(results.toString(), out.toString());

        assertEquals(15, result.runCount());
        double[] r18Plain = {70.0, 72.0};
        double[] r18SeTop1 = {74.0, 76.0};
        double[] r18Cbam = {0.7501 * 100, 0.7502 * 100, 0.7503 * 100};
        double[] r50Plain = {0.7600 * 100, 0.7602 * 100, 0.7604 * 100};
        double[] r50SeTop1 = {0.7700 * 100, 0.7704 * 100};

        Comparison resnet18Se = comparison(result, "resnet18 + se");
        assertEquals(75.0, resnet18Se.variant().top1().mean(), 1e-9);
        assertEquals(Math.sqrt(((74.0 - 75) * (74.0 - 75) + (76.0 - 75) * (76.0 - 75)) / (2 - 1)),
                resnet18Se.variant().top1().std(), 1e-9);
        assertEquals(85.0, resnet18Se.variant().top5().mean(), 1e-9);
        assertEquals(4.0, resnet18Se.delta(Comparison.Metric.TOP1), 1e-9);
        assertEquals(4.0, resnet18Se.delta(Comparison.Metric.TOP5), 1e-9);
        // df = 2 (two seeds each, equal spread): p = 1 - t / sqrt(2 + t^2) with t = 4 / sqrt(2)
        assertEquals(1 - Math.sqrt(8) / Math.sqrt(10), resnet18Se.pValue(Comparison.Metric.TOP1), 1e-9);
        assertEquals(Significance.NOT_SIGNIFICANT, resnet18Se.significance(Comparison.Metric.TOP1));
        assertEquals((11_779_624.0 - 11_689_512.0) / 11_689_512.0 * 100, resnet18Se.parameterOverheadPercent(), 1e-9);
        assertEquals(0.9, resnet18Se.throughputRatio(), 1e-12);

        Comparison resnet18Cbam = comparison(result, "resnet18 + cbam");
        assertEquals(WelchReference.mean(r18Cbam), resnet18Cbam.variant().top1().mean(), 1e-9);
        assertEquals(Math.sqrt(WelchReference.variance(r18Cbam)), resnet18Cbam.variant().top1().std(), 1e-9);
        assertEquals(WelchReference.mean(r18Cbam) - WelchReference.mean(r18Plain),
                resnet18Cbam.delta(Comparison.Metric.TOP1), 1e-9);
        assertEquals(WelchReference.pValue(r18Cbam, r18Plain), resnet18Cbam.pValue(Comparison.Metric.TOP1), 1e-8);

        Comparison resnet50Se = comparison(result, "resnet50 + se");
        double r50P = WelchReference.pValue(r50SeTop1, r50Plain);
        assertTrue(r50P < 0.05, "the test data should hold a significant improvement, p = " + r50P);
        assertEquals(r50P, resnet50Se.pValue(Comparison.Metric.TOP1), 1e-8);
        assertEquals(Significance.SIGNIFICANT, resnet50Se.significance(Comparison.Metric.TOP1));
        assertEquals(45.0 / 50.0, resnet50Se.throughputRatio(), 1e-12);
        Comparison resnet50SePost = comparison(result, "resnet50 + se (post)");
        assertNull(resnet50SePost.pValue(Comparison.Metric.TOP1));
        assertEquals(Significance.NOT_TESTABLE, resnet50SePost.significance(Comparison.Metric.TOP1));
        Comparison resnet50Plain = comparison(result, "resnet50 plain");
        assertNull(resnet50Plain.delta(Comparison.Metric.TOP1));
        assertEquals(Significance.NO_BASELINE, resnet50Plain.significance(Comparison.Metric.TOP1));

        assertEquals("""
                | backbone | plain | cbam | se |
                | --- | ---: | ---: | ---: |
                | resnet18 | 71.00 ± 1.41, n=2 | 75.02 ± 0.01 (+4.02)†, n=3 | 75.00 ± 1.41 (+4.00)†, n=2 |
                | resnet50 | 76.02 ± 0.02, n=3 | - | 77.02 ± 0.03 (+1.00), n=2 |
                """, result.toMarkdown());
        ReportTable top5 = result.tables().get(1);
        assertEquals("Top-5 (%)", top5.title());
        assertEquals(List.of("resnet18", "81.00 ± 1.41, n=2", "85.02 ± 0.01 (+4.02)†, n=3",
                "85.00 ± 1.41 (+4.00)†, n=2"), top5.rows().get(0));

        ReportTable variants = result.tables().get(2);
        assertEquals(List.of("resnet18", "se", "standard", "all", "2", "75.00 ± 1.41", "+4.00†", "0.106",
                "85.00 ± 1.41", "+4.00†", "11.780", "+0.77%", "90.0", "0.900×"), variants.rows().get(2));
        assertEquals(List.of("resnet50", "se", "post", "all", "1", "76.50", "+0.48 n/a", "n/a", "86.50",
                "+0.48 n/a", "28.088", "+9.90%", "44.0", "0.880×"), variants.rows().get(6));

        ReportTable byPosition = result.tables().get(3);
        assertEquals(List.of("backbone", "attention", "fixed", "standard", "post"), byPosition.header());
        assertEquals(List.of(
                List.of("resnet18", "cbam", "", "75.02 ± 0.01 (+4.02)†, n=3", "-"),
                List.of("resnet18", "se", "", "75.00 ± 1.41 (+4.00)†, n=2", "-"),
                List.of("resnet18", "se", "stages [3,4]", "73.25 ± 0.35 (+2.25)†, n=2", "-"),
                List.of("resnet50", "se", "", "77.02 ± 0.03 (+1.00), n=2", "76.50 (+0.48) n/a, n=1")),
                byPosition.rows());
        ReportTable byStage = result.tables().get(4);
        assertEquals(List.of("backbone", "attention", "fixed", "all", "[3,4]"), byStage.header());
        assertEquals(List.of(
                List.of("resnet18", "cbam", "", "75.02 ± 0.01 (+4.02)†, n=3", "-"),
                List.of("resnet18", "se", "", "75.00 ± 1.41 (+4.00)†, n=2", "73.25 ± 0.35 (+2.25)†, n=2"),
                List.of("resnet50", "se", "", "77.02 ± 0.03 (+1.00), n=2", "-"),
                List.of("resnet50", "se", "post", "76.50 (+0.48) n/a, n=1", "-")),
                byStage.rows());

        String tablesMd = Files.readString(out.resolve(Aggregator.TABLES_MD));
        for (ReportTable table : result.tables()) {
            assertTrue(tablesMd.contains("## " + table.title() + "\n\n" + table.caption() + "\n\n"
                    + table.toMarkdown()), table.title());
        }
        List<Row> variantsCsv = spark.read().option("header", true).option("inferSchema", true)
                .csv(out.resolve(Aggregator.VARIANTS_CSV).toString()).collectAsList();
        assertEquals(7, variantsCsv.size());
        Row seCsv = variantsCsv.stream().filter(row -> row.getAs("backbone").equals("resnet50")
                && row.getAs("attention").equals("se") && row.getAs("position").equals("standard")).findFirst()
                .orElseThrow();
        assertEquals(r50P, seCsv.<Double>getAs("top1_p"), 1e-8);
        assertEquals(28_088_024.0, seCsv.<Double>getAs("parameters"), 1e-6);

        assertEquals(List.of("plots/" + Aggregator.TOP1_VS_PARAMETERS_PNG, "plots/" + Aggregator.TOP1_VS_THROUGHPUT_PNG,
                "plots/" + Aggregator.TRAINING_CURVES_PNG), result.plots());
        String html = Files.readString(out.resolve(Aggregator.REPORT_HTML));
        for (ReportTable table : result.tables()) {
            assertTrue(html.contains(table.toHtml()), table.title());
        }
        assertTrue(html.contains("<td class=\"num\">77.02 ± 0.03 (+1.00), n=2</td>"));
        Matcher images = Pattern.compile("src=\"data:image/png;base64,([A-Za-z0-9+/=]+)\"").matcher(html);
        for (String plot : result.plots()) {
            assertTrue(images.find(), "no embedded image for " + plot);
            byte[] png = Files.readAllBytes(out.resolve(plot));
            assertArrayEquals(png, Base64.getDecoder().decode(images.group(1)), plot);
            BufferedImage image = ImageIO.read(new ByteArrayInputStream(png));
            assertEquals(960, image.getWidth(), plot);
            assertEquals(600, image.getHeight(), plot);
        }
        assertFalse(images.find(), "more images than plots");
        assertTrue(result.render().contains("report.html"));
        assertNoHiddenLeftovers(out);
    }

    private static Comparison comparison(AggregateResult result, String label) {
        return result.comparisons().stream().filter(c -> c.variant().label().equals(label)).findFirst()
                .orElseThrow(() -> new AssertionError("no variant " + label + " in " + result.comparisons().stream()
                        .map(c -> c.variant().label()).toList()));
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
        assertEquals(List.of(), result.plots());
        assertTrue(Files.readString(out.resolve(Aggregator.REPORT_HTML)).contains("0 run(s) aggregated; 1 file(s)"));
        assertEquals(0, spark.read().parquet(out.resolve(Aggregator.RUNS_PARQUET).toString()).count());
        assertEquals(0, spark.read().parquet(out.resolve(Aggregator.EPOCHS_PARQUET).toString()).count());
    }

    /** GC's default is after the add in stages 2-4: the main table shows it unlabelled, and SE at another place labelled. */
    @Test
    void theMainTableShowsEachModulesDefaultPlacementAsTheRecordsFlagSays() throws IOException {
        Path results = dir.resolve("placements");
        RunRecordWriter writer = new RunRecordWriter(spark.sparkContext().hadoopConfiguration());
        for (RunRecord run : List.of(
                TestRuns.run("resnet50", "none", "standard", null, true, 1, 0.70, 25_557_032L, 50),
                TestRuns.run("resnet50", "gc", "after_add", List.of(2, 3, 4), true, 1, 0.72, 26_000_000L, 45),
                TestRuns.run("resnet50", "gc", "standard", List.of(1, 2, 3, 4), false, 1, 0.73, 26_100_000L, 45),
                TestRuns.run("resnet50", "gc", "standard", List.of(1, 2, 3, 4), false, 2, 0.73, 26_100_000L, 45),
                TestRuns.run("resnet50", "se", "post", List.of(1, 2, 3, 4), false, 1, 0.71, 28_088_024L, 44))) {
            writer.write(run, results.toString(), WriteMode.CREATE_NEW);
        }

        AggregateResult result = new Aggregator(spark, false).aggregate(results.toString(), dir.resolve("placements-out").toString());

        Cell gc = result.rows().get(0).cell("gc").orElseThrow();
        assertEquals(72.0, gc.meanPercent(), 1e-9);
        assertEquals("", gc.placement());
        assertEquals("post", result.rows().get(0).cell("se").orElseThrow().placement());
        assertEquals(72.0, comparison(result, "resnet50 + gc").variant().top1().mean(), 1e-9);
        assertEquals(73.0, comparison(result, "resnet50 + gc (standard)").variant().top1().mean(), 1e-9);
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

    private static void assertCell(AggregateResult result, int row, String attention, double mean, Double delta) {
        Cell cell = result.rows().get(row).cell(attention).orElseThrow();
        assertEquals(mean, cell.meanPercent(), 1e-9);
        if (delta == null) {
            assertNull(cell.deltaPercent());
        } else {
            assertEquals(delta, cell.deltaPercent(), 1e-9);
        }
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
