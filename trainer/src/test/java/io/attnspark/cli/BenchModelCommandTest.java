package io.attnspark.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** Smoke test of {@code attnspark bench model} on a tiny network; its numbers are never asserted. */
class BenchModelCommandTest {

    @Test
    void timesATinyResNetAndPrintsAJsonLine() {
        var out = new StringWriter();
        var err = new StringWriter();
        int exitCode = new CommandLine(new BenchModelCommand()).setOut(new PrintWriter(out)).setErr(new PrintWriter(err))
                .execute("--backbone", "resnet18", "--width", "0.125", "--size", "32", "--small-stem", "--batch", "2",
                        "--classes", "10", "--warmup", "1", "--iters", "1");

        assertEquals(0, exitCode, err.toString());
        assertTrue(out.toString().lines().anyMatch(line -> line.startsWith("{\"name\": \"resnet18:none\", \"batch\": 2,")),
                out.toString());
        assertTrue(out.toString().contains("peak memory: heap"), out.toString());
    }

    @Test
    void rejectsAMalformedVariant() {
        var err = new StringWriter();
        var cli = AttnSpark.commandLine();
        cli.setErr(new PrintWriter(err));

        int exitCode = cli.execute("bench", "model", "--variants", "resnet18", "--iters", "1");

        assertEquals(2, exitCode);
        assertTrue(err.toString().contains("--variants: write BACKBONE:ATTENTION, e.g. resnet50:se; got 'resnet18'"), err.toString());
    }
}
