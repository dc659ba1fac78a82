package io.attnspark.bench;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.function.LongSupplier;

/**
 * Times several subjects round by round: every round runs each subject's phases once, in order, so that a slow
 * patch of a shared machine hits all subjects alike and their ratios stay reliable. Reports the median of the rounds
 * after warm-up, as timm's benchmark.py does.
 */
public final class AlternatingBenchmark {

    /** One run of a phase. */
    @FunctionalInterface
    public interface Phase {

        /**
         * Runs the phase once.
         *
         * @return the duration the phase measured itself, in nanoseconds (e.g. reported by another process, without
         *     the round trip to it), or empty to be timed by the benchmark's clock
         */
        OptionalLong run();

        /** A phase timed by the benchmark's clock. */
        static Phase clocked(Runnable work) {
            return () -> {
                work.run();
                return OptionalLong.empty();
            };
        }
    }

    /** Something to time: named phases (e.g. forward, train) that run in insertion order. */
    public record Subject(String name, Map<String, Phase> phases) {
        public Subject {
            if (phases.isEmpty()) {
                throw new IllegalArgumentException("subject '" + name + "' has no phase to time");
            }
            phases = Collections.unmodifiableMap(new LinkedHashMap<>(phases));
        }

        /** A subject whose phases are all timed by the benchmark's clock. */
        public static Subject clocked(String name, Map<String, Runnable> phases) {
            Map<String, Phase> clocked = new LinkedHashMap<>();
            phases.forEach((phase, work) -> clocked.put(phase, Phase.clocked(work)));
            return new Subject(name, clocked);
        }
    }

    /** The timed (post-warm-up) durations of one subject, per phase in round order, in nanoseconds. */
    public record Result(String name, Map<String, List<Long>> nanos) {

        public double medianMillis(String phase) {
            return median(times(phase)) / 1e6;
        }

        /** The durations of one phase, one per timed round. */
        public List<Long> times(String phase) {
            List<Long> times = nanos.get(phase);
            if (times == null) {
                throw new IllegalArgumentException("no phase '" + phase + "' in " + nanos.keySet());
            }
            return times;
        }
    }

    /** Round-by-round ratios of one phase of two subjects: their spread shows how stable the ratio of medians is. */
    public record RoundRatios(List<Double> values) {
        public RoundRatios {
            if (values.isEmpty()) {
                throw new IllegalArgumentException("no round to take a ratio of");
            }
            values = List.copyOf(values);
        }

        /** {@code numerator}'s duration of {@code phase} over {@code denominator}'s, for each timed round. */
        public static RoundRatios of(Result numerator, Result denominator, String phase) {
            List<Long> top = numerator.times(phase);
            List<Long> bottom = denominator.times(phase);
            if (top.size() != bottom.size()) {
                throw new IllegalArgumentException(numerator.name() + " has " + top.size() + " rounds of " + phase
                        + " but " + denominator.name() + " has " + bottom.size());
            }
            List<Double> ratios = new ArrayList<>();
            for (int round = 0; round < top.size(); round++) {
                ratios.add((double) top.get(round) / bottom.get(round));
            }
            return new RoundRatios(ratios);
        }

        public double median() {
            return AlternatingBenchmark.median(values.stream().mapToDouble(Double::doubleValue).toArray());
        }

        public double min() {
            return Collections.min(values);
        }

        public double max() {
            return Collections.max(values);
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
                for (Map.Entry<String, Phase> phase : subjects.get(s).phases().entrySet()) {
                    long start = clock.getAsLong();
                    OptionalLong reported = phase.getValue().run();
                    long elapsed = reported.orElseGet(() -> clock.getAsLong() - start);
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
        return median(values.stream().mapToDouble(Long::doubleValue).toArray());
    }

    private static double median(double[] values) {
        if (values.length == 0) {
            throw new IllegalArgumentException("median of no values");
        }
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int middle = sorted.length / 2;
        return sorted.length % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2.0;
    }
}
