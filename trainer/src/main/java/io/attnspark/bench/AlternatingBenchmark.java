package io.attnspark.bench;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * Times several subjects round by round: every round runs each subject's phases once, in order, so that a slow
 * patch of a shared machine hits all subjects alike and their ratios stay reliable. Reports the median of the rounds
 * after warm-up, as timm's benchmark.py does.
 */
public final class AlternatingBenchmark {

    /** Something to time: named phases (e.g. forward, train) that run in insertion order. */
    public record Subject(String name, Map<String, Runnable> phases) {
        public Subject {
            if (phases.isEmpty()) {
                throw new IllegalArgumentException("subject '" + name + "' has no phase to time");
            }
            phases = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(phases));
        }
    }

    /** The timed (post-warm-up) durations of one subject, per phase, in nanoseconds. */
    public record Result(String name, Map<String, List<Long>> nanos) {

        public double medianMillis(String phase) {
            List<Long> times = nanos.get(phase);
            if (times == null) {
                throw new IllegalArgumentException("no phase '" + phase + "' in " + nanos.keySet());
            }
            return median(times) / 1e6;
        }
    }

    private final int warmup;
    private final int iterations;
    private final LongSupplier clock;
    private final Runnable afterEachRound;

    /**
     * @param clock          nanoseconds, e.g. {@code System::nanoTime}
     * @param afterEachRound runs untimed after every round (memory sampling)
     */
    public AlternatingBenchmark(int warmup, int iterations, LongSupplier clock, Runnable afterEachRound) {
        if (warmup < 0 || iterations < 1) {
            throw new IllegalArgumentException("warm-up must be at least 0 and iterations at least 1, got " + warmup
                    + " and " + iterations);
        }
        this.warmup = warmup;
        this.iterations = iterations;
        this.clock = clock;
        this.afterEachRound = afterEachRound;
    }

    public List<Result> run(List<Subject> subjects) {
        List<Map<String, List<Long>>> timings = new ArrayList<>();
        for (Subject subject : subjects) {
            Map<String, List<Long>> perPhase = new LinkedHashMap<>();
            subject.phases().keySet().forEach(phase -> perPhase.put(phase, new ArrayList<>()));
            timings.add(perPhase);
        }
        for (int round = 0; round < warmup + iterations; round++) {
            for (int s = 0; s < subjects.size(); s++) {
                for (Map.Entry<String, Runnable> phase : subjects.get(s).phases().entrySet()) {
                    long start = clock.getAsLong();
                    phase.getValue().run();
                    long elapsed = clock.getAsLong() - start;
                    if (round >= warmup) {
                        timings.get(s).get(phase.getKey()).add(elapsed);
                    }
                }
            }
            afterEachRound.run();
        }
        List<Result> results = new ArrayList<>();
        for (int s = 0; s < subjects.size(); s++) {
            results.add(new Result(subjects.get(s).name(), timings.get(s)));
        }
        return results;
    }

    /** The middle value, or the mean of the two middle values for an even count. */
    public static double median(List<Long> values) {
        if (values.isEmpty()) {
            throw new IllegalArgumentException("median of no values");
        }
        long[] sorted = values.stream().mapToLong(Long::longValue).toArray();
        Arrays.sort(sorted);
        int middle = sorted.length / 2;
        return sorted.length % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2.0;
    }
}
