package io.attnspark.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class AccuracyParityTest {

    @Test
    void meanAndSampleStandardDeviationPerFramework() {
        var parity = new AccuracyParity(List.of(1L, 2L, 3L), List.of(0.90, 0.91, 0.92), List.of(0.89, 0.90, 0.94));
        assertEquals(0.91, parity.attnsparkSpread().mean(), 1e-12);
        assertEquals(0.01, parity.attnsparkSpread().std(), 1e-12);
        assertEquals(0.91, parity.torchSpread().mean(), 1e-12);
        assertEquals(Math.sqrt((0.0004 + 0.0001 + 0.0009) / 2), parity.torchSpread().std(), 1e-12);
    }

    /**
     * Welch's t for these groups is (0.91 - 0.87) / sqrt(0.01^2/3 + 0.01^2/3) = 4.899 with 4 degrees of freedom
     * (equal variances and sizes), two-sided p = 0.00805 (Student's t table).
     */
    @Test
    void aClearGapIsSignificantAndAnOverlapIsNot() {
        var apart = new AccuracyParity(List.of(1L, 2L, 3L), List.of(0.90, 0.91, 0.92), List.of(0.86, 0.87, 0.88));
        assertEquals(0.00805, apart.pValue(), 5e-5);
        assertTrue(apart.verdict().startsWith("attnspark - PyTorch: +4.00 points of top-1; Welch's t-test p = 0.008:"
                + " the frameworks DIFFER significantly at 0.05"), apart.verdict());

        var together = new AccuracyParity(List.of(1L, 2L, 3L), List.of(0.90, 0.91, 0.92), List.of(0.89, 0.90, 0.94));
        assertTrue(together.verdict().endsWith("no significant difference at 0.05"), together.verdict());
    }

    @Test
    void oneSeedCannotBeTested() {
        var single = new AccuracyParity(List.of(7L), List.of(0.9), List.of(0.8));
        assertNull(single.pValue());
        assertTrue(single.verdict().endsWith("Welch's t-test is not possible (fewer than two seeds)"), single.verdict());
    }

    @Test
    void tableHasARowPerFrameworkWithEverySeed() {
        String table = new AccuracyParity(List.of(1L, 2L), List.of(0.9012, 0.9), List.of(0.8, 0.85)).table("1.13.1");
        List<String> lines = table.lines().toList();
        assertEquals(3, lines.size(), table);
        assertEquals(List.of("framework", "seed", "1", "seed", "2", "mean", "±", "std"), List.of(lines.get(0).split("\\s+")));
        assertEquals(List.of("attnspark", "(DL4J)", "90.12", "90.00", "90.06", "±", "0.08"), List.of(lines.get(1).split("\\s+")));
        assertEquals(List.of("PyTorch", "1.13.1", "80.00", "85.00", "82.50", "±", "3.54"), List.of(lines.get(2).split("\\s+")));
    }

    @Test
    void everySeedNeedsAResultFromBothFrameworks() {
        assertThrows(IllegalArgumentException.class,
                () -> new AccuracyParity(List.of(1L, 2L), List.of(0.9, 0.9), List.of(0.9)));
    }

    @Test
    void theTorchResultIsTheLastLineWithTop1() throws Exception {
        var result = TorchTraining.parse(List.of("{\"epoch\": 1, \"lr\": 0.1, \"loss\": 1.2}",
                "{\"top1\": 0.9132, \"seconds\": 61.5, \"torch\": \"1.13.1\"}"));
        assertEquals(new TorchTraining.Result(0.9132, 61.5, "1.13.1"), result);
        assertThrows(IllegalStateException.class, () -> TorchTraining.parse(List.of("{\"epoch\": 1}")));
    }
}
