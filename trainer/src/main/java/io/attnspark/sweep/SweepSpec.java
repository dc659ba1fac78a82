package io.attnspark.sweep;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.attnspark.train.config.ConfigLoader;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * A sweep: a base run config, the points to vary it at (a grid or a random search, times seeds) and how to run them.
 *
 * @param name        names the sweep index {@code <results>/_sweep-<name>.json}
 * @param baseConfig  a run config YAML every point starts from; null: the defaults
 * @param base        dotted overrides applied to every point after {@code baseConfig}, e.g. {@code recipe.epochs: 1}
 * @param grid        dotted config key -> values; the points are the cartesian product, first key slowest
 * @param random      a random search instead of a grid; null for a grid (or for the base alone)
 * @param seeds       values of {@code recipe.seed}, each point is run once per seed; empty: the config's seed
 * @param results     where the points' result records and the index go; null: the base config's {@code results}
 * @param master      the Spark master of every point; null: the base config's. local masters run points one after
 *                    another in this JVM, others through spark-submit
 * @param concurrency points running at once on a cluster master
 * @param retries     further attempts of a failed point before it is marked failed
 * @param submit      how points are submitted to a cluster master
 */
public record SweepSpec(String name, Path baseConfig, Map<String, Object> base, Map<String, List<Object>> grid,
                        RandomSearch random, List<Long> seeds, String results, String master, int concurrency,
                        int retries, Submit submit) {

    public static final String SEED_KEY = "recipe.seed";
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]*");
    private static final Pattern KEY = Pattern.compile("[A-Za-z][A-Za-z0-9_]*(\\.[A-Za-z][A-Za-z0-9_]*)*");

    public SweepSpec {
        if (name == null || !NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("name: '" + name + "' must be set and contain only letters, digits, '.', '_'"
                    + " and '-', since it names the sweep index file");
        }
        base = checkedKeys(base == null ? Map.of() : base, "base");
        grid = checkedGrid(grid == null ? Map.of() : grid);
        if (!grid.isEmpty() && random != null) {
            throw new IllegalArgumentException("grid and random are both set; a sweep is either a grid or a random search");
        }
        seeds = seeds == null ? List.of() : List.copyOf(seeds);
        if (new HashSet<>(seeds).size() != seeds.size()) {
            throw new IllegalArgumentException("seeds: " + seeds + " lists a seed twice");
        }
        if (!seeds.isEmpty() && (grid.containsKey(SEED_KEY) || random != null && random.space().containsKey(SEED_KEY))) {
            throw new IllegalArgumentException("seeds and " + SEED_KEY + " in the grid/space both set the seed; keep one");
        }
        if (master != null && master.isBlank()) {
            throw new IllegalArgumentException("master: blank; use local[N] or spark://HOST:PORT, or leave it out");
        }
        if (concurrency < 1) {
            throw new IllegalArgumentException("concurrency: " + concurrency + " must be at least 1");
        }
        if (retries < 0) {
            throw new IllegalArgumentException("retries: " + retries + " must be 0 or more");
        }
        if (submit == null) {
            throw new IllegalArgumentException("submit: missing");
        }
    }

    @JsonCreator
    static SweepSpec fromJson(@JsonProperty("name") String name, @JsonProperty("base") Object base,
                              @JsonProperty("grid") LinkedHashMap<String, List<Object>> grid,
                              @JsonProperty("random") RandomSearch random, @JsonProperty("seeds") List<Long> seeds,
                              @JsonProperty("results") String results, @JsonProperty("master") String master,
                              @JsonProperty("concurrency") Integer concurrency, @JsonProperty("retries") Integer retries,
                              @JsonProperty("submit") Submit submit) {
        Path baseConfig = null;
        Map<String, Object> overrides = Map.of();
        if (base instanceof String file) {
            baseConfig = Path.of(file);
        } else if (base instanceof Map<?, ?> map) {
            overrides = new LinkedHashMap<>();
            for (var entry : map.entrySet()) {
                overrides.put(String.valueOf(entry.getKey()), entry.getValue());
            }
        } else if (base != null) {
            throw new IllegalArgumentException("base: use a run config file path, or a map of dotted overrides such as"
                    + " {recipe.epochs: 1, model.width: 0.25}");
        }
        return new SweepSpec(name, baseConfig, overrides, grid, random, seeds, results, master,
                concurrency == null ? 1 : concurrency, retries == null ? 1 : retries, submit == null ? Submit.DEFAULT : submit);
    }

    /** Reads and validates a spec file; every problem is one IllegalArgumentException line naming the file. */
    public static SweepSpec load(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException("sweep spec " + file + " does not exist");
        }
        SweepSpec spec = ConfigLoader.readStrict(file, SweepSpec.class, "sweep spec");
        if (spec == null) {
            throw new IllegalArgumentException("sweep spec " + file + " is empty; it needs at least a name");
        }
        // a relative base config is relative to the spec, so a spec and its config can move together
        if (spec.baseConfig() != null && !spec.baseConfig().isAbsolute()) {
            return spec.withBaseConfig(file.toAbsolutePath().getParent().resolve(spec.baseConfig()).normalize());
        }
        return spec;
    }

    SweepSpec withBaseConfig(Path file) {
        return new SweepSpec(name, file, base, grid, random, seeds, results, master, concurrency, retries, submit);
    }

    /** Where the sweep index lives in a results directory; hidden from Spark (leading '_') so aggregation skips it. */
    public static String indexFileName(String name) {
        return "_sweep-" + name + ".json";
    }

    private static <V> Map<String, V> checkedKeys(Map<String, V> map, String where) {
        for (String key : map.keySet()) {
            if (!KEY.matcher(key).matches()) {
                throw new IllegalArgumentException(where + ": '" + key + "' is not a dotted config key such as recipe.lr");
            }
        }
        return Collections.unmodifiableMap(new LinkedHashMap<>(map));
    }

    private static Map<String, List<Object>> checkedGrid(Map<String, List<Object>> grid) {
        checkedKeys(grid, "grid");
        var copy = new LinkedHashMap<String, List<Object>>();
        grid.forEach((key, values) -> {
            if (values == null || values.isEmpty()) {
                throw new IllegalArgumentException("grid." + key + ": give a list of at least one value, e.g. [a, b]");
            }
            if (new HashSet<>(values).size() != values.size()) {
                throw new IllegalArgumentException("grid." + key + ": " + values + " lists a value twice");
            }
            copy.put(key, Collections.unmodifiableList(new java.util.ArrayList<>(values)));
        });
        return Collections.unmodifiableMap(copy);
    }

    /**
     * A random search: {@code samples} draws from {@code space}, reproducible for a {@code seed}.
     *
     * @param space dotted config key -> a list of values to choose from, or {@code {min, max, log}}
     */
    public record RandomSearch(int samples, long seed, Map<String, Dimension> space) {

        public RandomSearch {
            if (samples < 1) {
                throw new IllegalArgumentException("random.samples: " + samples + " must be at least 1");
            }
            space = checkedKeys(space == null ? Map.of() : space, "random.space");
            if (space.isEmpty()) {
                throw new IllegalArgumentException("random.space: empty; map config keys to value lists or {min, max} ranges");
            }
        }

        @JsonCreator
        static RandomSearch fromJson(@JsonProperty("samples") Integer samples, @JsonProperty("seed") Long seed,
                                     @JsonProperty("space") LinkedHashMap<String, Object> space) {
            if (samples == null) {
                throw new IllegalArgumentException("random.samples: missing; how many points to draw");
            }
            var dimensions = new LinkedHashMap<String, Dimension>();
            if (space != null) {
                space.forEach((key, value) -> dimensions.put(key, Dimension.of("random.space." + key, value)));
            }
            return new RandomSearch(samples, seed == null ? 0 : seed, dimensions);
        }
    }

    /** One axis of a random search. */
    public sealed interface Dimension permits Choice, Range {
        static Dimension of(String where, Object value) {
            if (value instanceof List<?> list) {
                return new Choice(where, List.copyOf(list));
            }
            if (value instanceof Map<?, ?> map) {
                var keys = new HashSet<>(map.keySet());
                keys.removeAll(List.of("min", "max", "log"));
                if (!keys.isEmpty()) {
                    throw new IllegalArgumentException(where + ": unknown key " + keys + "; a range has min, max and log");
                }
                if (!(map.get("min") instanceof Number min) || !(map.get("max") instanceof Number max)) {
                    throw new IllegalArgumentException(where + ": a range needs numbers min and max, e.g. {min: 0.01, max: 0.5}");
                }
                Object log = map.get("log");
                if (log != null && !(log instanceof Boolean)) {
                    throw new IllegalArgumentException(where + ".log: use true or false");
                }
                boolean integer = isIntegral(min) && isIntegral(max);
                return new Range(where, min.doubleValue(), max.doubleValue(), Boolean.TRUE.equals(log), integer);
            }
            throw new IllegalArgumentException(where + ": use a list of values [a, b] or a range {min: 1, max: 8}");
        }

        private static boolean isIntegral(Number n) {
            return n instanceof Integer || n instanceof Long || n instanceof java.math.BigInteger;
        }
    }

    /** Picks one of {@code values} uniformly. */
    public record Choice(String where, List<Object> values) implements Dimension {
        public Choice {
            if (values.isEmpty()) {
                throw new IllegalArgumentException(where + ": empty list; give at least one value");
            }
        }
    }

    /**
     * Draws uniformly from [min, max], or log-uniformly with {@code log}; integer bounds (both written without a
     * decimal point) give integers in [min, max].
     */
    public record Range(String where, double min, double max, boolean log, boolean integer) implements Dimension {
        public Range {
            if (!(min < max)) {
                throw new IllegalArgumentException(where + ": min " + min + " must be below max " + max);
            }
            if (log && min <= 0) {
                throw new IllegalArgumentException(where + ": a log range needs min above 0, got " + min);
            }
        }
    }

    /**
     * How points go to a cluster master through spark-submit (SparkLauncher), in client deploy mode.
     *
     * @param jar       the trainer jar
     * @param sparkHome a SPARK_HOME; null: one assembled from the jars next to {@code jar} ({@code lib/}) and
     *                  {@code cluster-config/spark-home/bin}
     * @param conf      Spark properties of every submission, e.g. spark.executor.memory
     * @param dir       a local directory for the points' config files and driver logs; null: {@code .cache/sweeps/<name>}
     */
    public record Submit(Path jar, Path sparkHome, Map<String, String> conf, Path dir) {
        static final Submit DEFAULT = new Submit(null, null, null, null);

        public Submit {
            jar = jar == null ? Path.of("trainer/target/attnspark-trainer.jar") : jar;
            conf = conf == null ? Map.of() : Map.copyOf(conf);
        }
    }
}
