package io.attnspark.cli;

import org.apache.spark.SparkContext$;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Bad input gives one line that says what is wrong and how to fix it, before any Spark job starts. */
class AttnSparkCliTest {

    private record Run(int exit, String out, String err) { }

    private static Run run(String... args) {
        var out = new StringWriter();
        var err = new StringWriter();
        var cli = AttnSpark.commandLine();
        cli.setOut(new PrintWriter(out));
        cli.setErr(new PrintWriter(err));
        int exit = cli.execute(args);
        return new Run(exit, out.toString(), err.toString());
    }

    private static void assertOneLineError(Run run, String expected) {
        assertEquals(2, run.exit(), run.err());
        String err = run.err().strip();
        assertFalse(err.contains("\n"), "one line expected: " + err);
        assertFalse(err.contains("Exception"), "no stack trace or exception name expected: " + err);
        assertTrue(err.contains(expected), err);
    }

    @Test
    void everyCommandHasHelp() {
        for (String[] command : new String[][]{{}, {"train"}, {"aggregate"}, {"datasets"}, {"datasets", "fashion-mnist"}, {"demo"},
                {"submit"}, {"cluster"}, {"cluster", "up"}, {"cluster", "down"}, {"bench"}, {"bench", "scaling"}, {"models"}}) {
            var args = java.util.Arrays.copyOf(command, command.length + 1);
            args[command.length] = "--help";
            Run run = run(args);
            assertEquals(0, run.exit(), String.join(" ", args));
            assertTrue(run.out().contains("Usage: attnspark"), run.out());
        }
    }

    @Test
    void unknownOptionNamesTheCommand() {
        assertOneLineError(run("train", "--epoch", "3"), "Unknown options: '--epoch', '3'");
        assertOneLineError(run("train", "--epochs", "three"), "Invalid value for option '--epochs'");
    }

    @Test
    void badConfigFailsBeforeSpark(@TempDir Path tmp) {
        assertOneLineError(run("train", "--data", tmp.toString(), "--set", "recipe.lr=-1"), "recipe.lr: -1.0 must be a positive finite number");
        assertOneLineError(run("train", "--data", tmp.toString(), "--attention", "sse"), "unknown attention 'sse'; known: none,");
        assertOneLineError(run("train", "--data", tmp.toString(), "--master", "spork://x"), "spark.master: unknown master 'spork://x'");
        assertOneLineError(run("train", "--data", tmp.toString(), "--attention", "se", "--set", "model.width=0.125",
                "--set", "model.imageSize=32"), "se: 8 channels with reduction 16 leaves 0 bottleneck channels");
        assertOneLineError(run("train", "--set", "recipe.epochs=2"), "data.path: missing");
        assertOneLineError(run("train", "--data", tmp.toString(), "--init-from", tmp.resolve("resnet18.npz").toString()),
                "model.initFrom: " + tmp.resolve("resnet18.npz") + " is not a file");
        assertOneLineError(run("train", "--data", tmp.toString(), "--attention", "se", "--set", "model.position=conv"),
                "se does not replace a convolution, so it cannot take position conv");
    }

    /** The bad-data corpus through the command line: one line, exit 2, no Spark context, no result record. */
    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "not a dataset  | images/a/1.JPEG                        | | data.path: DATA is not a dataset",
            "one class      | train/a/1.JPEG val/a/2.JPEG            | | data.path: DATA has 1 class (a); a classifier needs at least 2",
            "no val/        | train/a/1.JPEG train/b/2.JPEG          | | data.path: DATA has no val/ folder",
            "empty class    | train/a/1.JPEG train/b/.keep val/a/2.JPEG | | data.path: DATA: 1 of 2 class folders hold no images (train/b)",
            "results a file | train/a/1.JPEG train/b/2.JPEG val/a/3.JPEG | --results=TMP/taken/results | results: cannot write to TMP/taken/results",
            "workDir a file | train/a/1.JPEG train/b/2.JPEG val/a/3.JPEG | --set=workDir=TMP/taken/work | workDir: cannot write to TMP/taken/work",
    })
    void badDataAndUnwritableOutputsFailBeforeSpark(String name, String files, String option, String expected,
                                                    @TempDir Path tmp) throws IOException {
        Path data = tmp.resolve("data");
        for (String file : files.split(" ")) {
            Files.createDirectories(data.resolve(file).getParent());
            Files.write(data.resolve(file), new byte[]{1});
        }
        Files.writeString(tmp.resolve("taken"), "a file where a folder should be");
        Path results = tmp.resolve("results");
        var args = new java.util.ArrayList<>(List.of("train", "--data", data.toString(), "--epochs", "1"));
        String given = option == null ? "" : option.strip().replace("TMP", tmp.toString());
        args.add(given.startsWith("--results") ? given : "--results=" + results);
        args.add(given.contains("workDir") ? given : "--set=workDir=" + tmp.resolve("work"));

        Run run = run(args.toArray(String[]::new));

        assertOneLineError(run, expected.strip().replace("DATA", data.toString()).replace("TMP", tmp.toString()));
        // getActive is private[spark] in Scala, public in the bytecode
        assertTrue(SparkContext$.MODULE$.getActive().isEmpty(), name + ": no Spark context was started");
        assertFalse(Files.exists(results) && Files.list(results).findAny().isPresent(), name + ": no result record");
    }

    @Test
    void submitValidatesTheRunBeforeAnythingIsSubmitted(@TempDir Path tmp) {
        assertOneLineError(run("submit", "--master", "spark://127.0.0.1:7077", "--", "--data", tmp.resolve("none").toString()),
                "data.path: " + tmp.resolve("none") + " does not exist");
        assertOneLineError(run("submit", "--master", "yarn", "--", "--data", tmp.toString(), "--set", "recipe.epochs=0"),
                "recipe.epochs: 0 is below 1");
        assertOneLineError(run("submit", "--master", "yarn", "--", "--data", tmp.toString(), "--master", "local[2]"),
                "give the master to submit (--master), not to train");
    }

    @Test
    void badDatasetArguments(@TempDir Path tmp) {
        assertOneLineError(run("datasets", "fashion-mnist", "--out", tmp.toString(), "--train-per-class", "0"),
                "--train-per-class must be at least 1");
    }

    @Test
    void explainHasHelpAndNamesAMissingCheckpointInOneLine(@TempDir Path tmp) {
        Run help = run("explain", "--help");
        assertEquals(0, help.exit(), help.err());
        assertTrue(help.out().contains("--images"), help.out());
        assertOneLineError(run("explain", "--model", tmp.resolve("epoch-0001.zip").toString(), "--images", tmp.toString()),
                "does not exist");
    }
}
