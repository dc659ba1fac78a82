package io.attnspark.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.attnspark.model.ModelSpec;
import io.attnspark.model.Models;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code attnspark bench variants} end to end on a tiny ResNet-18, with a shell script standing in for bench_torch.py
 * (Python is never run in tests); its numbers are never asserted.
 */
@Timeout(300)
class BenchVariantsCommandTest {

    private static final List<String> NETWORK = List.of("--backbone", "resnet18", "--width", "0.25", "--size", "32",
            "--small-stem", "--batch", "2", "--classes", "10", "--warmup", "0", "--iters", "2");

    @TempDir
    Path dir;

    private static long parameters(String attention) {
        return Models.parameterCount(new ModelSpec("resnet18", 0.25, 10, 32, true, attention, Map.of()).resolve());
    }

    /** Answers like bench_torch.py --serve with the parameter count of the network its --attention names. */
    private Path fakeServer() throws Exception {
        Path script = dir.resolve("server.sh");
        Files.writeString(script, """
                case "$*" in
                  *"--attention none "*) parameters=%d ;;
                  *"--attention se "*) parameters=%d ;;
                  *"--attention eca "*) parameters=%d ;;
                esac
                echo "{\\"ready\\": true, \\"torch\\": \\"9.9.9\\", \\"threads\\": 2, \\"parameters\\": $parameters}"
                while read -r command; do
                  echo "{\\"phase\\": \\"$command\\", \\"ms\\": 10.0}"
                done
                """.formatted(parameters("none"), parameters("se"), parameters("eca")));
        return script;
    }

    private int run(StringWriter out, StringWriter err, List<String> arguments) {
        var cli = AttnSpark.commandLine();
        cli.setOut(new PrintWriter(out));
        cli.setErr(new PrintWriter(err));
        return cli.execute(arguments.toArray(String[]::new));
    }

    @Test
    void timesEachModuleAgainstPlainOnBothSidesAndPrintsTheTable() throws Exception {
        var out = new StringWriter();
        var err = new StringWriter();
        var arguments = new java.util.ArrayList<>(List.of("bench", "variants", "--attention", "se,eca", "--python", "/bin/sh",
                "--script", fakeServer().toString()));
        arguments.addAll(NETWORK);

        assertEquals(0, run(out, err, arguments), err.toString());

        List<String> lines = out.toString().lines().toList();
        assertTrue(lines.stream().anyMatch(line -> line.matches("module +DL4J ms \\(min-max\\) +DL4J x plain .*PyTorch per round")), out.toString());
        assertTrue(lines.stream().anyMatch(line -> line.matches("se +[0-9.]+ \\(.*1\\.000x \\(1\\.000-1\\.000\\)")), out.toString());
        assertTrue(lines.stream().anyMatch(line -> line.matches("eca +[0-9.]+ \\(.*1\\.000x \\(1\\.000-1\\.000\\)")), out.toString());
    }

    @Test
    void defaultsToResNet50AtBatch8() {
        var command = new BenchVariantsCommand();
        new CommandLine(command).parseArgs();

        assertEquals("resnet50", command.options.backbone);
        assertEquals(8, command.options.batch);
        assertEquals(224, command.options.size);
    }

    @Test
    void rejectsAModuleTheBackboneCannotTakeBeforeAnythingRuns() {
        var out = new StringWriter();
        var err = new StringWriter();

        int exit = run(out, err, List.of("bench", "variants", "--backbone", "mobilenet_v2", "--attention", "se,sk",
                "--python", dir.resolve("absent").toString()));

        assertEquals(2, exit);
        assertTrue(err.toString().contains("mobilenet_v2 has no dense 3x3 conv for sk to replace"), err.toString());
    }
}
