package io.attnspark.results;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.attnspark.record.RunRecord;
import io.attnspark.record.RunRecordWriter;
import io.attnspark.record.WriteMode;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The Zeppelin notes in {@code notebooks/} cannot rot: each is valid 0.10 note JSON with only {@code %spark.sql} and
 * {@code %md} paragraphs, and every SQL paragraph runs against a real aggregator output, returns rows, and has a
 * chart whose columns exist in the result.
 */
class NotebooksTest {

    private static final String RESULTS_FORM = "results";
    // Zeppelin's own patterns (org.apache.zeppelin.display.Input): $${...} note forms, ${...} paragraph forms
    private static final Pattern NOTE_FORM = Pattern.compile("([_])?[$]{2}[{]([^=}]*([=][^}]*)?)[}]");
    private static final Pattern PARAGRAPH_FORM = Pattern.compile("([_])?[$][{]([^=}]*([=][^}]*)?)[}]");

    private static final java.util.Map<String, Object> LR_04 = TestRuns.config("data/fmnist", 0.4, 4);

    private static SparkSession spark;

    @TempDir
    static Path dir;

    private static String aggregateDir;
    private static AggregateResult result;

    @BeforeAll
    static void aggregateHandWrittenRuns() throws IOException {
        spark = SparkSession.builder()
                .master("local[1]")
                .appName("NotebooksTest")
                .config("spark.ui.enabled", "false")
                .config("spark.sql.shuffle.partitions", "2")
                .config("spark.driver.bindAddress", "127.0.0.1")
                .config("spark.driver.host", "127.0.0.1")
                .getOrCreate();
        Path results = dir.resolve("results");
        RunRecordWriter writer = new RunRecordWriter(spark.sparkContext().hadoopConfiguration());
        List<RunRecord> runs = List.of(
                TestRuns.run("resnet18", "none", "standard", null, 1, 0.70, 11_689_512L, 100),
                TestRuns.run("resnet18", "none", "standard", null, 2, 0.71, 11_689_512L, 100),
                TestRuns.run("resnet18", "se", "standard", null, 1, 0.72, 11_779_624L, 90),
                TestRuns.run("resnet18", "se", "standard", null, 2, 0.73, 11_779_624L, 90),
                TestRuns.run("resnet18", "se", "post", null, 1, 0.715, 11_779_624L, 89),
                TestRuns.run("resnet18", "se", "standard", List.of(3, 4), 1, 0.712, 11_750_000L, 95),
                TestRuns.run("resnet50", "none", "standard", null, 1, 0.76, 25_557_032L, 40),
                TestRuns.run("resnet50", "cbam", "standard", null, 1, 0.77, 28_090_000L, 33),
                // a second experiment (another lr), with a replicate of seed 2 that must not count as a seed
                TestRuns.run("lr4-none-s1", "resnet18", "none", 1, 0.41, LR_04, 2),
                TestRuns.run("lr4-none-s2", "resnet18", "none", 2, 0.42, LR_04, 2),
                TestRuns.run("lr4-se-s1", "resnet18", "se", 1, 0.43, LR_04, 2),
                TestRuns.run("lr4-se-s2", "resnet18", "se", 2, 0.44, LR_04, 2),
                TestRuns.run("lr4-se-s2b", "resnet18", "se", 2, 0.46, LR_04, 2));
        for (RunRecord run : runs) {
            writer.write(run, results.toString(), WriteMode.CREATE_NEW);
        }
        aggregateDir = dir.resolve("aggregate").toString();
        result = new Aggregator(spark, false, List.of()).aggregate(results.toString(), aggregateDir);
    }

    @AfterAll
    static void stopSpark() {
        spark.stop();
    }

    @Test
    void everyNotebookRunsAgainstAnAggregatorOutput() throws IOException {
        List<Path> notebooks = notebooks();
        assertEquals(3, notebooks.size(), "notebooks: " + notebooks);
        ObjectMapper json = new ObjectMapper();
        for (Path notebook : notebooks) {
            JsonNode note = json.readTree(notebook.toFile());
            String name = notebook.getFileName().toString();
            assertEquals("0.10.1", note.path("version").asText(), name);
            assertEquals("spark", note.path("defaultInterpreterGroup").asText(), name);
            assertTrue(note.path("name").asText().startsWith("attnspark/"), name);
            assertTrue(note.path("id").asText().matches("[A-Z0-9]{10}"), name + ": Zeppelin note ids are 9-10 "
                    + "upper-case letters and digits");
            assertTrue(note.path("noteParams").isObject() && note.path("noteForms").isObject(), name);
            assertFalse(note.path("config").path("isZeppelinNotebookCronEnable").asBoolean(true), name);
            JsonNode paragraphs = note.path("paragraphs");
            assertTrue(paragraphs.size() > 1, name);
            int sqlParagraphs = 0;
            List<String> ids = new ArrayList<>();
            for (JsonNode paragraph : paragraphs) {
                String text = paragraph.path("text").asText();
                String where = name + " / " + paragraph.path("title").asText();
                ids.add(paragraph.path("id").asText());
                if (text.startsWith("%md\n")) {
                    continue;
                }
                assertTrue(text.startsWith("%spark.sql\n"), where + ": only %spark.sql and %md paragraphs, got "
                        + text.lines().findFirst().orElse(""));
                assertTrue(text.contains("$${" + RESULTS_FORM + "="), where + ": reads the results note form");
                sqlParagraphs++;
                String sql = withForms(text.substring("%spark.sql\n".length()), where);
                Dataset<Row> result = spark.sql(sql);
                assertTrue(result.count() > 0, where + ": no rows");
                assertChartColumnsExist(paragraph.path("config").path("results").path("0").path("graph"),
                        Arrays.asList(result.columns()), where);
            }
            assertTrue(sqlParagraphs >= 3, name + " has " + sqlParagraphs + " SQL paragraphs");
            assertEquals(ids.size(), ids.stream().distinct().count(), name + ": paragraph ids must be unique");
        }
    }

    /** The variants note shows the report's variants, per experiment, with the report's numbers. */
    @Test
    void theVariantsNoteAgreesWithTheReport() throws IOException {
        JsonNode note = new ObjectMapper().readTree(notebooks().stream()
                .filter(path -> path.toString().endsWith("attnspark-variants-x-backbones.zpln")).findFirst()
                .orElseThrow().toFile());
        String text = note.path("paragraphs").get(1).path("text").asText();
        List<Row> rows = spark.sql(withForms(text.substring("%spark.sql\n".length()), "variants")).collectAsList();

        assertEquals(2, result.experiments().size());
        List<String> reported = result.comparisons().stream()
                .map(c -> c.variant().experiment().key() + " " + c.variant().label()).sorted().toList();
        assertEquals(reported, rows.stream().map(row -> row.getAs("experimentKey") + " " + row.getAs("variant"))
                .sorted().toList());
        for (Comparison c : result.comparisons()) {
            Row row = rows.stream().filter(r -> r.getAs("experimentKey").equals(c.variant().experiment().key())
                    && r.getAs("variant").equals(c.variant().label())).findFirst().orElseThrow();
            String where = c.variant().label();
            assertEquals(c.variant().seeds(), row.<Long>getAs("n").intValue(), where);
            assertEquals(c.variant().replicates(), row.<Long>getAs("replicates"), where);
            assertEquals(c.variant().defaultPlacement(), row.<Boolean>getAs("default_placement"), where);
            assertEquals(Math.round(c.variant().top1().mean() * 100) / 100.0, row.<Double>getAs("top1"), 1e-9, where);
            assertRounded(c.variant().top1().std(), row.getAs("top1_std"), where);
            assertRounded(c.delta(Comparison.Metric.TOP1), row.getAs("delta_top1"), where);
        }
    }

    private static void assertRounded(Double report, Double note, String where) {
        if (report == null) {
            assertEquals(null, note, where);
        } else {
            assertEquals(Math.round(report * 100) / 100.0, note, 1e-9, where);
        }
    }

    /**
     * What Zeppelin runs: the results note form set to the test's aggregate, every other form at its default (a note
     * must run as imported).
     */
    private static String withForms(String sql, String where) {
        String withNoteForms = replace(NOTE_FORM, sql, (formName, defaultValue) ->
                RESULTS_FORM.equals(formName) ? aggregateDir : defaultValue, where);
        return replace(PARAGRAPH_FORM, withNoteForms, (formName, defaultValue) -> defaultValue, where);
    }

    private static String replace(Pattern form, String sql, java.util.function.BinaryOperator<String> value,
                                  String where) {
        Matcher matcher = form.matcher(sql);
        StringBuilder out = new StringBuilder();
        while (matcher.find()) {
            String body = matcher.group(2);
            int equals = body.indexOf('=');
            assertTrue(equals > 0, where + ": form ${" + body + "} has no default, so the note does not run as imported");
            // name(Display name)=default,option1|option2
            String formName = body.substring(0, equals).replaceAll("\\(.*\\)", "").trim();
            String defaultValue = body.substring(equals + 1).split(",", 2)[0];
            matcher.appendReplacement(out, Matcher.quoteReplacement(value.apply(formName, defaultValue)));
        }
        matcher.appendTail(out);
        return out.toString();
    }

    private static void assertChartColumnsExist(JsonNode graph, List<String> columns, String where) {
        String mode = graph.path("mode").asText();
        assertTrue(List.of("table", "multiBarChart", "lineChart", "scatterChart", "stackedAreaChart", "pieChart")
                .contains(mode), where + ": result display mode '" + mode + "'");
        List<JsonNode> used = new ArrayList<>();
        Stream.of("keys", "groups", "values").forEach(field -> graph.path(field).forEach(used::add));
        graph.path("setting").path("scatterChart").forEach(used::add);
        if (!mode.equals("table")) {
            assertFalse(used.isEmpty(), where + ": a " + mode + " needs columns");
        }
        for (JsonNode column : used) {
            String name = column.path("name").asText();
            assertEquals(columns.indexOf(name), column.path("index").asInt(), where + ": chart column '" + name
                    + "' is not at its index in " + columns);
        }
    }

    private static List<Path> notebooks() throws IOException {
        // surefire runs in the trainer module; the notebooks live at the top of the repository
        Path directory = Path.of(System.getProperty("basedir", System.getProperty("user.dir")))
                .resolve("../notebooks").normalize();
        try (Stream<Path> files = Files.list(directory)) {
            return files.filter(file -> file.toString().endsWith(".zpln")).sorted().toList();
        }
    }
}
