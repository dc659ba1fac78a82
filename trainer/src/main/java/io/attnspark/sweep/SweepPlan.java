package io.attnspark.sweep;

import io.attnspark.model.Models;
import io.attnspark.record.RunRecord;
import io.attnspark.train.config.ConfigLoader;
import io.attnspark.train.config.TrainConfig;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

/** A sweep's points and the run config of each, all validated before anything runs. */
public record SweepPlan(SweepSpec spec, List<SweepPoint> points, List<TrainConfig> configs) {

    private static final ObjectMapper JSON = new ObjectMapper();

    public SweepPlan {
        points = List.copyOf(points);
        configs = List.copyOf(configs);
    }

    /**
     * Points that resolve to the same run are planned once: e.g. a plain backbone crossed with insertion positions,
     * where there is no module to place.
     *
     * @throws IllegalArgumentException naming the first point whose config is invalid, and why
     */
    public static SweepPlan of(SweepSpec spec) {
        var points = new ArrayList<SweepPoint>();
        var configs = new ArrayList<TrainConfig>();
        Set<JsonNode> runs = new HashSet<>();
        for (SweepPoint point : expand(spec)) {
            TrainConfig config;
            try {
                config = ConfigLoader.load(spec.baseConfig(), overrides(spec, point));
                // the network too (attention name, its options, channels vs reduction), as the trainer checks it first
                Models.parameterCount(config.model().toSpec(2).resolve());
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("point " + point.index() + " (" + point.describe() + "): " + e.getMessage(), e);
            }
            if (runs.add(run(config))) {
                points.add(SweepPoint.of(points.size() + 1, point.overrides()));
                configs.add(config);
            }
        }
        return new SweepPlan(spec, points, configs);
    }

    /** What a config runs: without a module, its placement and options mean nothing. */
    private static JsonNode run(TrainConfig config) {
        ObjectNode tree = JSON.valueToTree(ConfigLoader.toMap(config));
        ObjectNode model = (ObjectNode) tree.get("model");
        if (RunRecord.NO_ATTENTION.equals(config.model().attention())) {
            model.remove(List.of("position", "stages", "attentionOptions"));
        }
        return tree;
    }

    /** The config of a point: base file, base overrides, the point, then the sweep's results and master. */
    static List<String> overrides(SweepSpec spec, SweepPoint point) {
        var all = new ArrayList<>(SweepPoint.overrideArgs(spec.base()));
        all.addAll(point.overrideArgs());
        if (spec.results() != null) {
            all.add("results=" + spec.results());
        }
        if (spec.master() != null) {
            all.add("spark.master=" + spec.master());
        }
        return all;
    }

    /**
     * Grid: the cartesian product with the first key slowest; random: {@code samples} draws; then each point once per
     * seed, seeds fastest. Draws that repeat an earlier point are dropped.
     */
    static List<SweepPoint> expand(SweepSpec spec) {
        List<Map<String, Object>> combos = spec.random() != null ? sample(spec.random()) : product(spec.grid());
        Set<String> seen = new LinkedHashSet<>();
        var points = new ArrayList<SweepPoint>();
        for (var combo : combos) {
            List<Map<String, Object>> seeded = new ArrayList<>();
            if (spec.seeds().isEmpty()) {
                seeded.add(combo);
            }
            for (long seed : spec.seeds()) {
                var withSeed = new LinkedHashMap<>(combo);
                withSeed.put(SweepSpec.SEED_KEY, seed);
                seeded.add(withSeed);
            }
            for (var overrides : seeded) {
                var point = SweepPoint.of(points.size() + 1, overrides);
                if (seen.add(point.id())) {
                    points.add(point);
                }
            }
        }
        return points;
    }

    private static List<Map<String, Object>> product(Map<String, List<Object>> grid) {
        List<Map<String, Object>> combos = List.of(new LinkedHashMap<>());
        for (var axis : grid.entrySet()) {
            var next = new ArrayList<Map<String, Object>>();
            for (var combo : combos) {
                for (Object value : axis.getValue()) {
                    var extended = new LinkedHashMap<>(combo);
                    extended.put(axis.getKey(), value);
                    next.add(extended);
                }
            }
            combos = next;
        }
        return combos;
    }

    private static List<Map<String, Object>> sample(SweepSpec.RandomSearch random) {
        var rng = new Random(random.seed());
        var combos = new ArrayList<Map<String, Object>>();
        for (int i = 0; i < random.samples(); i++) {
            var combo = new LinkedHashMap<String, Object>();
            random.space().forEach((key, dimension) -> combo.put(key, draw(dimension, rng)));
            combos.add(combo);
        }
        return combos;
    }

    static Object draw(SweepSpec.Dimension dimension, Random rng) {
        if (dimension instanceof SweepSpec.Choice choice) {
            return choice.values().get(rng.nextInt(choice.values().size()));
        }
        var range = (SweepSpec.Range) dimension;
        if (range.integer()) {
            // integers: draw over [min, max + 1) and floor, so both bounds are as likely as any other value
            double x = range.log()
                    ? Math.exp(Math.log(range.min()) + rng.nextDouble() * (Math.log(range.max() + 1) - Math.log(range.min())))
                    : range.min() + rng.nextDouble() * (range.max() + 1 - range.min());
            return (long) Math.min(range.max(), Math.floor(x));
        }
        return range.log()
                ? Math.exp(Math.log(range.min()) + rng.nextDouble() * (Math.log(range.max()) - Math.log(range.min())))
                : range.min() + rng.nextDouble() * (range.max() - range.min());
    }
}
