package io.attnspark.cli;

import org.apache.spark.SparkContext$;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvFileSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The first-contact corpus ({@code bad-commands.csv}): every config, command-line and data mistake a new user makes
 * gives exit code 2 and one line that names the key and the fix, with no Spark context started and no record written.
 */
class BadCommandCorpusTest {

    @TempDir
    static Path tmp;

    @BeforeAll
    static void fixtures() throws IOException {
        files("data", "train/a/1.JPEG", "train/b/2.JPEG", "val/a/3.JPEG", "val/b/4.JPEG");
        files("notdata", "images/a/1.JPEG");
        files("oneclass", "train/a/1.JPEG", "val/a/2.JPEG");
        files("noval", "train/a/1.JPEG", "train/b/2.JPEG");
        files("emptyclass", "train/a/1.JPEG", "train/b/.keep", "val/a/2.JPEG");
        files("emptyval", "train/a/1.JPEG", "train/b/2.JPEG", "val/.keep");
        Files.createDirectories(tmp.resolve("pack"));
        Files.writeString(tmp.resolve("pack/pack.json"), """
                {"formatVersion": 2, "classIds": ["a", "b"], "batchSize": 16, "seed": 1, "createdAt": "2026-01-01T00:00:00Z",
                 "splits": {"train": {"listedCount": 2, "imageCount": 2, "shardCount": 1},
                            "val": {"listedCount": 2, "imageCount": 2, "shardCount": 1}}}""");
        Files.writeString(tmp.resolve("taken"), "a file where a folder should be");
        Files.writeString(tmp.resolve("list.yaml"), "- model\n- recipe\n");
        Files.writeString(tmp.resolve("duplicate.yaml"), """
                model:
                  attention: se
                recipe:
                  epochs: 3
                model:
                  backbone: resnet50
                """);
    }

    private static void files(String root, String... names) throws IOException {
        for (String name : names) {
            Path file = tmp.resolve(root).resolve(name);
            Files.createDirectories(file.getParent());
            Files.write(file, new byte[]{1});
        }
    }

    @ParameterizedTest(name = "{0}")
    @CsvFileSource(resources = "/bad-commands.csv", delimiter = '|')
    void oneLineBeforeSpark(String name, String command, String expected) throws IOException {
        List<String> args = arguments(command.replace("TMP", tmp.toString()));
        Path results = tmp.resolve("results-" + name.replace(' ', '-'));
        if (args.get(0).equals("train")) {
            if (!args.remove("NODATA") && !args.contains("--data")) {
                args.addAll(List.of("--data", tmp.resolve("data").toString()));
            }
            if (!args.contains("--results")) {
                args.addAll(List.of("--results", results.toString()));
            }
            if (args.stream().noneMatch(a -> a.startsWith("workDir="))) {
                args.addAll(List.of("--set", "workDir=" + tmp.resolve("work")));
            }
        }

        var run = AttnSparkCliTest.run(args.toArray(String[]::new));

        AttnSparkCliTest.assertOneLineError(run, expected.strip().replace("TMP", tmp.toString()));
        // getActive is private[spark] in Scala, public in the bytecode
        assertTrue(SparkContext$.MODULE$.getActive().isEmpty(), "no Spark context was started");
        assertFalse(Files.isDirectory(results) && Files.list(results).findAny().isPresent(), "no result record");
    }

    /** Split before each {@code --}, then each part into the option and its value at the first space. */
    private static List<String> arguments(String command) {
        List<String> args = new ArrayList<>();
        for (String part : command.strip().split("\\s+(?=--)")) {
            args.addAll(List.of(part.split(" ", 2)));
        }
        return args;
    }
}
