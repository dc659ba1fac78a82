package io.attnspark.results;

import io.attnspark.record.Experiment;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Layout rules that need no Spark: top-5 by class count, throughput only on one host and master. */
class PaperTablesTest {

    private static final Experiment EXPERIMENT = new Experiment("0123456789ab", "test");

    @Test
    void topFiveOnlyWithMoreThanTenClasses() {
        List<Comparison> comparisons = comparisons("node1 local[2]", "node1 local[2]", 2);
        for (Integer classes : new Integer[]{3, 10}) {
            PaperTables tables = new PaperTables(comparisons, classes);
            assertEquals(List.of("Top-1 (%)", "Variants"), tables.all().stream().map(ReportTable::title).toList());
            assertFalse(tables.variants().header().contains("top-5 (%)"));
            assertEquals(tables.variants().header().size(), tables.variants().rows().get(0).size());
        }
        PaperTables imagenet = new PaperTables(comparisons, 1000);
        assertEquals(List.of("Top-1 (%)", "Top-5 (%)", "Variants"),
                imagenet.all().stream().map(ReportTable::title).toList());
        assertTrue(imagenet.variants().header().contains("top-5 (%)"));
    }

    @Test
    void throughputComparesOnlyRunsOfOneHostAndMasterAndSaysWhenItIsOneTiming() {
        Comparison sameHost = comparisons("node1 local[2]", "node1 local[2]", 1).get(1);
        assertEquals(0.9, sameHost.throughputRatio(), 1e-12);
        assertTrue(sameHost.noisyThroughput());
        assertEquals("0.900× (n=1, noisy)", last(new PaperTables(List.of(new Comparison(sameHost.plain(), sameHost.plain()), sameHost), 10)
                .variants().rows().get(1)));

        Comparison twoSeeds = comparisons("node1 local[2]", "node1 local[2]", 2).get(1);
        assertEquals("0.900×", last(new PaperTables(List.of(new Comparison(twoSeeds.plain(), twoSeeds.plain()), twoSeeds), 10)
                .variants().rows().get(1)));

        Comparison otherHost = comparisons("node1 local[2]", "node2 spark://10.0.0.1:7077", 2).get(1);
        assertNull(otherHost.throughputRatio());
        Comparison mixed = comparisons("node1 local[2]; node2 local[2]", "node1 local[2]; node2 local[2]", 2).get(1);
        assertNull(mixed.throughputRatio());
    }

    private static String last(List<String> row) {
        return row.get(row.size() - 1);
    }

    /** Plain at 100 img/s on {@code plainHardware}, SE at 90 img/s on {@code seHardware}, {@code runs} seeds each. */
    private static List<Comparison> comparisons(String plainHardware, String seHardware, int runs) {
        VariantStats plain = variant("none", 71.0, 100, plainHardware, runs);
        VariantStats se = variant("se", 72.0, 90, seHardware, runs);
        return List.of(new Comparison(plain, plain), new Comparison(se, plain));
    }

    private static VariantStats variant(String attention, double top1, double imagesPerSecond, String hardware,
                                        int seeds) {
        Map<Long, Double> bySeed = new TreeMap<>();
        for (long seed = 1; seed <= seeds; seed++) {
            bySeed.put(seed, top1 + seed / 10.0);
        }
        Summary summary = new Summary(new TreeMap<>(bySeed));
        return new VariantStats(EXPERIMENT, "", "resnet18", attention, "", VariantStats.STANDARD_POSITION,
                VariantStats.ALL_STAGES, true, summary, summary, seeds, 11.7e6, imagesPerSecond, hardware);
    }
}
