package io.attnspark.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code attnspark models}, run through picocli on the command class alone. */
class ModelsCommandTest {

    private record Run(int exitCode, String out, String err) { }

    private static Run run(String... args) {
        var out = new StringWriter();
        var err = new StringWriter();
        int exitCode = new CommandLine(new ModelsCommand())
                .setOut(new PrintWriter(out))
                .setErr(new PrintWriter(err))
                .execute(args);
        return new Run(exitCode, out.toString(), err.toString());
    }

    @Test
    void listsPublishedCountsAndOverheadAsTableAndCsv(@TempDir Path tmp) throws Exception {
        Path csv = tmp.resolve("models.csv");

        Run run = run("--backbone", "resnet50", "--attention", "se", "--csv", csv.toString());

        assertEquals(0, run.exitCode(), run.err());
        List<String> lines = Files.readAllLines(csv);
        assertEquals("backbone,attention,placement,params,macs,params_overhead_percent,macs_overhead_percent,problem", lines.get(0));
        assertEquals(3, lines.size());
        // torchvision resnet50 and resnet50 + SE (r = 16): shared/reference/modules.md
        String[] plain = lines.get(1).split(",", -1);
        String[] se = lines.get(2).split(",", -1);
        assertEquals(List.of("resnet50", "none", "", "25557032"), List.of(plain[0], plain[1], plain[2], plain[3]));
        assertEquals(List.of("resnet50", "se", "standard 1/2/3/4", "28088024"), List.of(se[0], se[1], se[2], se[3]));
        assertEquals(100.0 * (28_088_024 - 25_557_032) / 25_557_032, Double.parseDouble(se[5]), 1e-4);
        // about 4.1 GMACs; SE's dense layers add well under 1 %
        assertEquals(4.1e9, Double.parseDouble(plain[4]), 0.041e9);
        assertTrue(Double.parseDouble(se[6]) > 0 && Double.parseDouble(se[6]) < 1, se[6]);
        assertTrue(run.out().contains("28,088,024"), run.out());
        assertTrue(run.out().contains("+9.90"), run.out());
    }

    @Test
    void tableColumnsAreAligned() {
        Run run = run("--backbone", "resnet18,mobilenet_v2", "--attention", "se", "--size", "64", "--classes", "10");

        List<String> lines = run.out().lines().toList();
        assertEquals(5, lines.size(), run.out());
        int paramsEnd = lines.get(0).indexOf("params") + "params".length();
        for (String line : lines.subList(1, lines.size())) {
            assertTrue(Character.isDigit(line.charAt(paramsEnd - 1)) && line.charAt(paramsEnd) == ' ', line);
        }
    }

    @Test
    void aModuleThatRejectsAChannelCountShowsTheReason() {
        // r = 64 leaves no bottleneck channel for mobilenet_v2's first block (32 channels) but fits resnet50 (>= 256)
        Run run = run("--backbone", "mobilenet_v2,resnet50", "--attention", "se", "--option", "se.reduction=64",
                "--size", "64");

        assertEquals(0, run.exitCode(), run.err());
        String mobileNetSe = run.out().lines().filter(l -> l.startsWith("mobilenet_v2") && l.contains(" se ")).findFirst().orElseThrow();
        assertTrue(mobileNetSe.contains("32 channels with reduction 64 leaves 0 bottleneck channels"), mobileNetSe);
        String resNetSe = run.out().lines().filter(l -> l.startsWith("resnet50") && l.contains(" se ")).findFirst().orElseThrow();
        assertTrue(resNetSe.matches(".*\\d[\\d,]*\\s+[\\d,]+\\s+\\+\\d+\\.\\d\\d\\s+\\+\\d+\\.\\d\\d$"), resNetSe);
    }

    @Test
    void anUnknownPositionIsAUsageError() {
        Run run = run("--backbone", "resnet18", "--position", "middle");

        assertEquals(2, run.exitCode());
        assertTrue(run.err().contains("unknown attention position 'middle'"), run.err());
    }
}
