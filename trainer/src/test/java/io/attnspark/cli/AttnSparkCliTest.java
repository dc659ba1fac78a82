package io.attnspark.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Bad input gives one line that says what is wrong and how to fix it, before any Spark job starts. */
class AttnSparkCliTest {

    record Run(int exit, String out, String err) { }

    static Run run(String... args) {
        var out = new StringWriter();
        var err = new StringWriter();
        var cli = AttnSpark.commandLine();
        cli.setOut(new PrintWriter(out));
        cli.setErr(new PrintWriter(err));
        int exit = cli.execute(args);
        return new Run(exit, out.toString(), err.toString());
    }

    static void assertOneLineError(Run run, String expected) {
        assertEquals(2, run.exit(), run.err());
        String err = run.err().strip();
        assertFalse(err.contains("\n"), "one line expected: " + err);
        assertFalse(err.contains("Exception"), "no stack trace or exception name expected: " + err);
        assertTrue(err.contains(expected), err);
    }

    @Test
    void everyCommandHasHelp() {
        for (String[] command : new String[][]{{}, {"train"}, {"aggregate"}, {"datasets"}, {"datasets", "fashion-mnist"}, {"demo"},
                {"submit"}, {"cluster"}, {"cluster", "up"}, {"cluster", "down"}, {"bench"}, {"bench", "scaling"}, {"bench", "parity"}, {"models"}}) {
            var args = java.util.Arrays.copyOf(command, command.length + 1);
            args[command.length] = "--help";
            Run run = run(args);
            assertEquals(0, run.exit(), String.join(" ", args));
            assertTrue(run.out().contains("Usage: attnspark"), run.out());
        }
    }

    @Test
    void helpFitsEightyColumnsWithOneLineSummariesExamplesAndDefaults() {
        var root = AttnSpark.commandLine();
        var pending = new java.util.ArrayDeque<>(java.util.List.of(root));
        while (!pending.isEmpty()) {
            var command = pending.pop();
            String help = command.getUsageMessage();
            for (String line : help.split("\\R")) {
                assertTrue(line.length() <= 80, command.getCommandSpec().qualifiedName() + ": " + line);
            }
            for (var sub : command.getSubcommands().values()) {
                if (!sub.getCommandName().equals("help")) {
                    String summary = sub.getCommandSpec().usageMessage().header()[0];
                    assertTrue(summary.endsWith(".") && summary.length() <= 63, "one-line summary: " + summary);
                    pending.push(sub);
                }
            }
        }
        for (String command : new String[]{"train", "aggregate", "sweep", "explain"}) {
            assertTrue(run(command, "--help").out().contains("Example"), command + " --help shows an example");
        }
        var defaults = io.attnspark.train.config.ConfigLoader.load(null, java.util.List.of("data.path=d"));
        String train = run("train", "--help").out();
        for (String shown : new String[]{"(default: " + defaults.recipe().epochs() + ")",
                "(default: " + defaults.spark().batchSizePerWorker() + ")", "(default: " + defaults.model().backbone() + ")",
                "default: " + defaults.model().attention() + ")", "(default: " + defaults.results() + ")"}) {
            assertTrue(train.replaceAll("\\s+", " ").contains(shown), "train --help shows " + shown + ":\n" + train);
        }
    }

    /** A System.exit here would end the test JVM and fail the build; under YARN it would fail the application. */
    @Test
    void mainReturnsOnSuccess() {
        AttnSpark.main(new String[]{"models", "--help"});
    }

    @Test
    void mainExitsWithTheCodeOfAFailure() throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        var process = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"), AttnSpark.class.getName(), "trian")
                .redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes());
        assertEquals(2, process.waitFor(), output);
    }

    @Test
    void unknownOptionNamesTheCommand() {
        assertOneLineError(run("train", "--epoch", "3"), "Unknown options: '--epoch', '3'; did you mean --epochs?");
        assertOneLineError(run("trian"), "Unmatched argument at index 0: 'trian'; did you mean train?");
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
