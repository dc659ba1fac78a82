package io.attnspark.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The round-by-round alternation and the medians, driven by a fake clock that each workload advances. */
class AlternatingBenchmarkTest {

    /** Each run of a phase advances the fake clock by the next of its durations (in ms) and logs its name. */
    private static Runnable fake(AtomicLong clock, List<String> log, String name, long... millis) {
        var next = new int[1];
        return () -> {
            log.add(name);
            clock.addAndGet(millis[next[0]++] * 1_000_000L);
        };
    }

    @Test
    void runsSubjectsAlternatelyAndKeepsTheMedianOfTheTimedRounds() {
        var clock = new AtomicLong();
        List<String> log = new ArrayList<>();
        Map<String, Runnable> a = new LinkedHashMap<>();
        a.put("forward", fake(clock, log, "a.forward", 1000, 10, 30, 20));
        a.put("train", fake(clock, log, "a.train", 1000, 40, 40, 100));
        Map<String, Runnable> b = new LinkedHashMap<>();
        b.put("forward", fake(clock, log, "b.forward", 1000, 5, 7, 6));
        b.put("train", fake(clock, log, "b.train", 1000, 60, 61, 1));
        var samples = new int[1];

        var results = new AlternatingBenchmark(1, 3, clock::get, () -> samples[0]++)
                .run(List.of(AlternatingBenchmark.Subject.clocked("a", a), AlternatingBenchmark.Subject.clocked("b", b)));

        assertEquals(List.of("a.forward", "a.train", "b.forward", "b.train", "a.forward", "a.train", "b.forward", "b.train",
                "a.forward", "a.train", "b.forward", "b.train", "a.forward", "a.train", "b.forward", "b.train"), log);
        assertEquals(4, samples[0], "memory is sampled after every round, warm-up included");
        // the 1000 ms warm-up round is dropped
        assertEquals(20.0, results.get(0).medianMillis("forward"));
        assertEquals(40.0, results.get(0).medianMillis("train"));
        assertEquals(6.0, results.get(1).medianMillis("forward"));
        assertEquals(60.0, results.get(1).medianMillis("train"));

        var rows = ModelBenchmark.rows(results, 8);
        assertEquals(1.0, rows.get(0).trainRatio());
        assertEquals(1.5, rows.get(1).trainRatio());
        assertEquals(8 * 1000.0 / 40.0, rows.get(0).trainImagesPerSecond());
    }

    @Test
    void aPhaseThatMeasuresItselfKeepsItsOwnDurationAndRatiosAreTakenRoundByRound() {
        var clock = new AtomicLong();
        List<String> log = new ArrayList<>();
        Map<String, Runnable> clocked = new LinkedHashMap<>();
        clocked.put("train", fake(clock, log, "a.train", 1000, 40, 60, 100));
        long[] reported = {999, 20, 20, 25};
        var next = new int[1];
        // the round trip to the self-timed subject costs 500 ms of clock time that must not count
        AlternatingBenchmark.Phase selfTimed = () -> {
            clock.addAndGet(500_000_000L);
            return OptionalLong.of(reported[next[0]++] * 1_000_000L);
        };

        var results = new AlternatingBenchmark(1, 3, clock::get, () -> { }).run(List.of(
                AlternatingBenchmark.Subject.clocked("a", clocked),
                new AlternatingBenchmark.Subject("b", Map.of("train", selfTimed))));

        assertEquals(List.of(20_000_000L, 20_000_000L, 25_000_000L), results.get(1).times("train"));
        assertEquals(40.0, results.get(0).times("train").get(0) / 1e6);
        var ratios = AlternatingBenchmark.RoundRatios.of(results.get(0), results.get(1), "train");
        assertEquals(List.of(2.0, 3.0, 4.0), ratios.values());
        assertEquals(3.0, ratios.median());
        assertEquals(2.0, ratios.min());
        assertEquals(4.0, ratios.max());
    }

    @Test
    void roundRatiosNeedTheSameRounds() {
        var a = new AlternatingBenchmark.Result("a", Map.of("train", List.of(1L, 2L)));
        var b = new AlternatingBenchmark.Result("b", Map.of("train", List.of(1L)));
        var e = assertThrows(IllegalArgumentException.class, () -> AlternatingBenchmark.RoundRatios.of(a, b, "train"));
        assertEquals("a has 2 rounds of train but b has 1", e.getMessage());
    }

    @Test
    void medianOfEvenCountIsTheMeanOfTheMiddleTwo() {
        assertEquals(2.5, AlternatingBenchmark.median(List.of(4L, 1L, 3L, 2L)));
        assertEquals(3.0, AlternatingBenchmark.median(List.of(9L, 3L, 1L)));
        assertThrows(IllegalArgumentException.class, () -> AlternatingBenchmark.median(List.of()));
    }

    @Test
    void rejectsNoTimedRound() {
        var e = assertThrows(IllegalArgumentException.class, () -> new AlternatingBenchmark(0, 0, System::nanoTime, () -> { }));
        assertEquals("warm-up must be at least 0 and iterations at least 1, got 0 and 0", e.getMessage());
    }

    @Test
    void tableAlignsNumbersRightAndShowsRatioToTheFirst() {
        var rows = List.of(new ModelBenchmark.Row("resnet50:none", 8, 100, 400, 1.0),
                new ModelBenchmark.Row("resnet50:se", 8, 110, 436, 1.09));

        String table = ModelBenchmark.table(rows);

        assertEquals("""
                model          forward ms  forward img/s  train ms  train img/s  train x first
                resnet50:none       100.0           80.0     400.0         20.0          1.000
                resnet50:se         110.0           72.7     436.0         18.3          1.090
                """, table);
        assertEquals("{\"name\": \"resnet50:se\", \"batch\": 8, \"forward_ms\": 110.000, \"train_ms\": 436.000,"
                + " \"forward_images_per_s\": 72.73, \"train_images_per_s\": 18.35}", rows.get(1).json());
    }

    @Test
    void moduleTableShowsProblemsInsteadOfNumbers() {
        String table = ModuleBenchmark.table(List.of(new ModuleBenchmark.Row("conv3x3", 10.0, 1.0, null),
                new ModuleBenchmark.Row("mhsa", null, null, "mhsa: bad heads")));

        assertEquals("""
                module   fwd+bwd ms  x conv3x3  note
                conv3x3       10.00       1.00
                mhsa              -          -  mhsa: bad heads
                """, table);
    }
}
