package io.attnspark.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The arithmetic and layout of {@code bench variants}' overhead table, on fixed durations. */
class ModuleOverheadsTest {

    private static AlternatingBenchmark.Result train(String name, long... millis) {
        return new AlternatingBenchmark.Result(name, Map.of(ModelBenchmark.FORWARD, List.of(1L),
                ModelBenchmark.TRAIN, java.util.Arrays.stream(millis).map(m -> m * 1_000_000).boxed().toList()));
    }

    private static final List<AlternatingBenchmark.Result> SE = List.of(
            train("dl4j plain", 100, 200, 150), train("dl4j se", 120, 260, 165),
            train("torch plain", 50, 50, 50), train("torch se", 60, 55, 65));

    @Test
    void comparesEachFrameworkWithItsOwnPlainNetworkRoundByRound() {
        var row = ModuleOverheads.Row.of("se", SE);

        assertEquals(165.0, row.dl4j().medianMillis(), 1e-9);
        assertEquals(120.0, row.dl4j().minMillis(), 1e-9);
        assertEquals(260.0, row.dl4j().maxMillis(), 1e-9);
        assertEquals(1.1, row.dl4j().ratioOfMedians(), 1e-12);
        assertEquals(List.of(1.2, 1.3, 1.1), row.dl4j().roundRatios().values());
        assertEquals(1.2, row.dl4j().roundRatios().median(), 1e-12);
        assertEquals(60.0, row.pytorch().medianMillis(), 1e-9);
        assertEquals(1.2, row.pytorch().ratioOfMedians(), 1e-12);
        assertEquals(1.1, row.pytorch().roundRatios().min(), 1e-12);
        assertEquals(1.3, row.pytorch().roundRatios().max(), 1e-12);
    }

    @Test
    void printsOneAlignedRowPerModule() {
        var rows = List.of(ModuleOverheads.Row.of("se", SE), ModuleOverheads.Row.of("cbam", List.of(
                train("dl4j plain", 1000, 1000), train("dl4j cbam", 4500, 4300),
                train("torch plain", 900, 1100), train("torch cbam", 2000, 2000))));

        assertEquals("""
                module       DL4J ms (min-max)  DL4J x plain        DL4J per round    PyTorch ms (min-max)  PyTorch x plain     PyTorch per round
                se         165.0 (120.0-260.0)        1.100x  1.200x (1.100-1.300)        60.0 (55.0-65.0)           1.200x  1.200x (1.100-1.300)
                cbam    4400.0 (4300.0-4500.0)        4.400x  4.400x (4.300-4.500)  2000.0 (2000.0-2000.0)           2.000x  2.020x (1.818-2.222)
                """, ModuleOverheads.table(rows));
    }

    @Test
    void needsTheFourResultsOfOneRun() {
        var e = assertThrows(IllegalArgumentException.class, () -> ModuleOverheads.Row.of("se", SE.subList(0, 3)));
        assertEquals("expected DL4J plain, DL4J se, PyTorch plain and PyTorch se, got 3 results", e.getMessage());
    }
}
