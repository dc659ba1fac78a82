package io.attnspark.zeppelin;

import com.fasterxml.jackson.databind.JsonNode;
import io.attnspark.datasets.fashion.FashionMnistConverter;
import io.attnspark.train.cluster.SparkHome;
import org.apache.commons.io.FileUtils;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The notes of {@code notebooks/} in a real Zeppelin 0.10.0 server on 127.0.0.1: each is imported unchanged through
 * the REST API, its note form {@code results} is set to an aggregate of real training runs made here, and every
 * paragraph runs ({@code %md} on Zeppelin's markdown interpreter, {@code %spark.sql} on attnspark's
 * {@link SparkSqlInterpreter} on Spark 3.5). Each note's results are also written as HTML to
 * {@code target/zeppelin-it/}, next to the server's ZEPPELIN_HOME and logs.
 */
class ZeppelinNotesIT {

    private static final Path ROOT = Path.of(System.getProperty("attnspark.root"));
    private static final Path SERVER_LIB = ROOT.resolve("zeppelin/server/target/lib");

    @Test
    void everyParagraphOfEveryNoteRunsInZeppelin(@TempDir Path tmp) throws Exception {
        long start = System.nanoTime();
        Path aggregate = trainAndAggregate(tmp);
        lap("4 runs trained and aggregated", start);
        SparkHome sparkHome = SparkHome.assemble(ROOT.resolve("zeppelin/target/spark-jars"),
                ROOT.resolve("cluster-config/spark-home/bin"), tmp.resolve("spark-home"));
        // read by spark-submit (the master is the interpreter setting's, local[*]); few shuffle partitions keep the
        // small queries fast
        Files.createDirectories(sparkHome.dir().resolve("conf"));
        Files.writeString(sparkHome.dir().resolve("conf/spark-defaults.conf"), """
                spark.ui.enabled false
                spark.sql.shuffle.partitions 2
                spark.driver.host 127.0.0.1
                spark.driver.bindAddress 127.0.0.1
                """);
        // under target/, not the temporary folder, so that the server's and interpreters' logs outlive a failure
        Path out = ROOT.resolve("zeppelin/target/zeppelin-it");
        FileUtils.deleteDirectory(out.toFile());
        ZeppelinHome home = ZeppelinHome.assemble(ROOT, SERVER_LIB, ROOT.resolve("zeppelin/target/attnspark-zeppelin.jar"),
                out.resolve("home"));

        try (ZeppelinServerProcess server = ZeppelinServerProcess.start(home, SERVER_LIB, sparkHome.environment(),
                Duration.ofMinutes(2))) {
            lap("Zeppelin server up", start);
            ZeppelinRest rest = new ZeppelinRest(server.url());
            List<Path> notes = notes();
            assertEquals(3, notes.size(), notes.toString());
            for (Path file : notes) {
                String name = file.getFileName().toString().replace(".zpln", "");
                String noteId = rest.importNote(Files.readString(file), "/attnspark-it/" + name);
                rest.saveNoteForms(noteId, Map.of("results", aggregate.toString()), Duration.ofSeconds(30));
                for (JsonNode paragraph : rest.note(noteId).path("paragraphs")) {
                    runAndCheck(rest, noteId, paragraph, name + " / " + paragraph.path("title").asText());
                }
                JsonNode ran = rest.note(noteId);
                for (JsonNode paragraph : ran.path("paragraphs")) {
                    // the server kept the run request's form values with the paragraph, as it does the UI's
                    assertEquals(paragraphForms(paragraph.path("text").asText()).get("backbone"),
                            paragraph.path("settings").path("params").path("backbone").textValue(), name);
                }
                Files.writeString(out.resolve(name + ".html"), NoteHtml.render(ran));
                lap(name + " ran", start);
            }
            String scratch = rest.importNote(Files.readString(notes.get(0)), "/attnspark-it/bad-sql");
            JsonNode bad = rest.runParagraph(scratch, rest.addParagraph(scratch,
                    "%spark.sql\nSELECT * FROM parquet.`" + tmp.resolve("missing") + "`"), Map.of());
            assertEquals("ERROR", bad.path("code").asText(), bad.toString());
            assertTrue(bad.path("msg").path(0).path("data").asText().contains("PATH_NOT_FOUND"), bad.toString());
        }
    }

    private static void lap(String what, long start) {
        System.out.printf("ZeppelinNotesIT: %s after %.0f s%n", what, (System.nanoTime() - start) / 1e9);
    }

    private static void runAndCheck(ZeppelinRest rest, String noteId, JsonNode paragraph, String where)
            throws IOException, InterruptedException {
        String text = paragraph.path("text").asText();
        JsonNode result = rest.runParagraph(noteId, paragraph.path("id").asText(), paragraphForms(text));
        assertEquals("SUCCESS", result.path("code").asText(), where + ": " + result);
        JsonNode first = result.path("msg").path(0);
        if (text.startsWith("%md")) {
            assertEquals("HTML", first.path("type").asText(), where);
            return;
        }
        assertTrue(text.startsWith("%spark.sql"), where + ": only %spark.sql and %md paragraphs");
        assertEquals("TABLE", first.path("type").asText(), where + ": " + result);
        long rows = first.path("data").asText().lines().count() - 1;
        assertTrue(rows > 0, where + ": no rows in " + first);
        System.out.printf("%s: %d rows%n", where, rows);
    }

    /** Paragraph forms go with the run request: a backbone filter where there is one, the rest at their defaults. */
    private static Map<String, String> paragraphForms(String text) {
        Map<String, String> forms = new HashMap<>();
        if (text.contains("${backbone=")) {
            forms.put("backbone", "resnet%");
        }
        return forms;
    }

    /**
     * Real runs, made by the attnspark CLI as a user would (bin/attnspark's command line, on the trainer's jars):
     * a sweep of plain and SE ResNet-18 over two seeds on a small Fashion-MNIST subset, then its aggregate.
     */
    private static Path trainAndAggregate(Path tmp) throws IOException, InterruptedException {
        Path data = tmp.resolve("fmnist");
        new FashionMnistConverter(FashionMnistConverter.locate()).convert(data, new FashionMnistConverter.Limits(8, 4));
        Path results = tmp.resolve("results");
        Path spec = Files.writeString(tmp.resolve("sweep.yaml"), """
                name: zeppelin
                base:
                  data.path: %s
                  workDir: %s
                  model.width: 0.25
                  model.imageSize: 32
                  spark.workers: 2
                  spark.batchSizePerWorker: 8
                  spark.averagingFrequency: 2
                  spark.conf: {spark.ui.enabled: 'false'}
                  recipe.epochs: 2
                  recipe.lr: 0.2
                grid:
                  model.backbone: [resnet18]
                  model.attention: [none, se]
                seeds: [1, 2]
                results: %s
                master: local[2]
                """.formatted(data, tmp.resolve("work"), results));
        attnspark(tmp, "sweep", spec.toString());
        Path aggregate = tmp.resolve("aggregate");
        attnspark(tmp, "aggregate", results.toString(), "--out", aggregate.toString());
        return aggregate;
    }

    private static void attnspark(Path tmp, String... args) throws IOException, InterruptedException {
        Path trainer = ROOT.resolve("trainer/target");
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "@" + ROOT.resolve("cluster-config/java17.args"), "-Xmx2g",
                "-Djava.io.tmpdir=" + Files.createDirectories(tmp.resolve("java-tmp")),
                "-Dorg.bytedeco.javacpp.cachedir=" + ROOT.resolve(".cache/javacpp"),
                "-Dorg.eclipse.deeplearning4j.helpers.disable=false",
                "-cp", trainer.resolve("attnspark-trainer.jar") + ":" + trainer.resolve("lib/*"),
                "io.attnspark.cli.AttnSpark"));
        command.addAll(List.of(args));
        Path log = tmp.resolve("attnspark-" + args[0] + ".log");
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
        builder.environment().put("SPARK_LOCAL_IP", ZeppelinServerProcess.HOST);
        builder.environment().put("OMP_WAIT_POLICY", "PASSIVE");
        int exit = builder.start().waitFor();
        String output = Files.readString(log);
        System.out.print(output);
        assertEquals(0, exit, "attnspark " + String.join(" ", args) + ":\n" + output);
    }

    private static List<Path> notes() throws IOException {
        try (Stream<Path> files = Files.list(ROOT.resolve("notebooks"))) {
            return files.filter(file -> file.toString().endsWith(".zpln")).sorted().toList();
        }
    }
}
