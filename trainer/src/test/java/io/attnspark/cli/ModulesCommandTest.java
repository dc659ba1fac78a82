package io.attnspark.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.Locale;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** {@code attnspark modules}, run through picocli on the command class alone. */
class ModulesCommandTest {

    @Test
    void listsSeWithItsDefaultsAndThePaperParameterCount() {
        var out = new StringWriter();
        var err = new StringWriter();
        int exitCode = new CommandLine(new ModulesCommand()).setOut(new PrintWriter(out)).setErr(new PrintWriter(err))
                .execute("--channels", "64", "--size", "7");

        assertEquals(0, exitCode, err.toString());
        int c = 64;
        int r = 16;
        // SE: FC C -> C/r with bias, FC C/r -> C with bias
        long se = 2L * c * c / r + c / r + c;
        String seLine = out.toString().lines().filter(line -> line.startsWith("se ")).findFirst().orElseThrow();
        assertTrue(seLine.contains("reduction=16, divisor=0"), seLine);
        assertTrue(seLine.contains(String.format(Locale.ROOT, "%,d", se)), seLine + " should count " + se);
        assertTrue(out.toString().contains("se reduction=0: se: 'reduction' must be at least 1, got 0"), out.toString());
        assertTrue(out.toString().contains("se reduction=65: se: 64 channels with reduction 65 leaves 0 bottleneck channels"),
                out.toString());
        assertTrue(out.toString().contains("se bogusOption=1: se: unknown option(s) [bogusOption]"), out.toString());
    }
}
