package io.attnspark.record;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * Which runs are comparable: the one definition of an experiment, shared by the trainer (which writes it into each
 * record) and the aggregator (which computes it for records that predate it, or with a hyperparameter as a table
 * axis). Everything in the run config counts, except the seed, the compared axes and where the run ran; new config
 * keys therefore split experiments until they are listed here, which is the safe side.
 */
public final class Experiments {

    /** The axes every table compares: they vary inside an experiment. */
    public static final Set<String> COMPARED = Set.of("model.backbone", "model.attention", "model.attentionOptions",
            "model.position", "model.stages", "recipe.seed");
    /** Where a run ran and how fast it moved data, which does not change its numbers. */
    static final Set<String> WHERE_IT_RAN = Set.of("results", "workDir", "data.packs", "spark.master", "spark.prefetch",
            "spark.aggregationDepth", "spark.conf", "spark.sharing.port", "spark.sharing.executorPort",
            "spark.sharing.controllerAddress", "spark.sharing.networkMask");
    /** The effective number of workers replaces the configured one, which may be null (derived from the cluster). */
    public static final String WORKERS = "spark.workers";

    private static final int KEY_LENGTH = 12;
    /**
     * Settings added after records were first written, with the value a record without them ran with; the summary
     * shows them only where they differ from it.
     */
    private static final Map<String, Object> ADDED_LATER = Map.of("recipe.schedulePer", "EPOCH");
    /** Settings whose zero means "not used", which the summary leaves out. */
    private static final Set<String> OFF_WHEN_ZERO = Set.of("recipe.warmupEpochs", "recipe.labelSmoothing");

    private Experiments() {
    }

    /**
     * @param config  the run config as stored in the record
     * @param dataset the packed dataset's identity; null for records that predate it, whose data path stands in
     * @param workers the number of training workers the run used
     * @param axes    config paths shown as table axes (e.g. {@code recipe.lr}), left out of the key
     */
    public static Experiment of(Map<String, Object> config, DatasetIdentity dataset, int workers, List<String> axes) {
        Map<String, Object> fixed = heldFixed(config, dataset, workers);
        axes.forEach(axis -> remove(fixed, axis));
        return new Experiment(fingerprint(canonical(fixed)), summary(fixed, dataset, axes));
    }

    /**
     * The settings an experiment holds fixed, as a nested map: the config without {@link #COMPARED} and
     * {@link #WHERE_IT_RAN}, with the dataset's fingerprint in place of its path and the effective workers.
     */
    public static Map<String, Object> heldFixed(Map<String, Object> config, DatasetIdentity dataset, int workers) {
        Map<String, Object> fixed = deepCopy(config);
        COMPARED.forEach(path -> remove(fixed, path));
        WHERE_IT_RAN.forEach(path -> remove(fixed, path));
        if (!"sharing".equalsIgnoreCase(String.valueOf(valueAt(fixed, "spark.trainingMaster")))) {
            remove(fixed, "spark.sharing");
        }
        put(fixed, WORKERS, workers);
        ADDED_LATER.forEach((path, value) -> {
            if (valueAt(fixed, path) == null) {
                put(fixed, path, value);
            }
        });
        if (dataset != null) {
            // the content decides, not where it lies; the pack seed is in the shard digests
            remove(fixed, "data.path");
            remove(fixed, "data.packSeed");
            put(fixed, "data.fingerprint", dataset.fingerprint());
        }
        return fixed;
    }

    /** The value at a dotted path such as {@code recipe.lr}; null where the map has none. */
    public static Object valueAt(Map<String, Object> tree, String path) {
        Object node = tree;
        for (String part : path.split("\\.")) {
            if (!(node instanceof Map<?, ?> map)) {
                return null;
            }
            node = map.get(part);
        }
        return node;
    }

    /** A value as the tables show it: numbers without trailing zeros, JSON objects and lists compactly. */
    public static String display(Object value) {
        if (value instanceof Number number) {
            return new BigDecimal(number.toString()).stripTrailingZeros().toPlainString();
        }
        if (value instanceof Map<?, ?> || value instanceof List<?>) {
            return canonical(value);
        }
        return value == null ? "-" : value.toString().toLowerCase(Locale.ROOT);
    }

    private static String summary(Map<String, Object> fixed, DatasetIdentity dataset, List<String> axes) {
        List<String> parts = new ArrayList<>();
        parts.add(dataset != null
                ? String.format(Locale.ROOT, "data %s [%s] (%d classes, %d train / %d val images)", dataset.name(),
                dataset.fingerprint().substring(0, Math.min(8, dataset.fingerprint().length())), dataset.classes(),
                dataset.trainImages(), dataset.valImages())
                : "data " + display(valueAt(fixed, "data.path")) + " (path only: record predates dataset fingerprints)");
        parts.add(join(fixed, "model.width", "width ", "", "model.imageSize", "", " px", "model.smallStem", "small stem ",
                "", "model.initFrom", "init from ", ""));
        parts.add(join(fixed, "recipe.epochs", "", " epochs", "recipe.optimizer", "", "", "recipe.lr", "lr ", "",
                "recipe.schedule", "", " schedule", "recipe.schedulePer", "updated per ", "", "recipe.warmupEpochs", "warmup ", "", "recipe.momentum", "momentum ",
                "", "recipe.weightDecay", "wd ", "", "recipe.labelSmoothing", "label smoothing ", ""));
        parts.add(display(valueAt(fixed, WORKERS)) + " workers x batch " + display(valueAt(fixed,
                "spark.batchSizePerWorker")) + ", " + display(valueAt(fixed, "spark.trainingMaster"))
                + (valueAt(fixed, "spark.averagingFrequency") == null ? ""
                : " every " + display(valueAt(fixed, "spark.averagingFrequency"))));
        if (!axes.isEmpty()) {
            parts.add("varying: " + String.join(", ", axes));
        }
        return parts.stream().filter(part -> !part.isBlank()).collect(Collectors.joining(" · "));
    }

    /** Triples of path, prefix and suffix; paths the config lacks are left out. */
    private static String join(Map<String, Object> fixed, String... pathPrefixSuffix) {
        List<String> shown = new ArrayList<>();
        for (int i = 0; i < pathPrefixSuffix.length; i += 3) {
            Object value = valueAt(fixed, pathPrefixSuffix[i]);
            if (value instanceof Number number && number.doubleValue() == 0 && OFF_WHEN_ZERO.contains(
                    pathPrefixSuffix[i])) {
                continue;
            }
            if (value != null && value.equals(ADDED_LATER.get(pathPrefixSuffix[i]))) {
                continue;
            }
            if (Boolean.TRUE.equals(value)) {
                shown.add(pathPrefixSuffix[i + 1].trim());
            } else if (value != null && !Boolean.FALSE.equals(value)) {
                String suffix = pathPrefixSuffix[i + 2];
                // "1 epoch", not "1 epochs"
                boolean one = value instanceof Number number && number.doubleValue() == 1 && suffix.endsWith("s");
                shown.add(pathPrefixSuffix[i + 1] + display(value) + (one ? suffix.substring(0, suffix.length() - 1)
                        : suffix));
            }
        }
        return String.join(", ", shown);
    }

    /** JSON text with sorted keys and numbers without trailing zeros, so that 1, 1.0 and 1.00 key alike. */
    static String canonical(Object value) {
        if (value instanceof Map<?, ?> map) {
            Map<String, Object> sorted = new TreeMap<>();
            map.forEach((key, inner) -> sorted.put(String.valueOf(key), inner));
            return sorted.entrySet().stream().map(e -> quote(e.getKey()) + ":" + canonical(e.getValue()))
                    .collect(Collectors.joining(",", "{", "}"));
        }
        if (value instanceof List<?> list) {
            return list.stream().map(Experiments::canonical).collect(Collectors.joining(",", "[", "]"));
        }
        if (value instanceof Number || value instanceof Boolean || value == null) {
            return value instanceof Number ? display(value) : String.valueOf(value);
        }
        return quote(value.toString());
    }

    private static String quote(String text) {
        return '"' + text.replace("\\", "\\\\").replace("\"", "\\\"") + '"';
    }

    private static String fingerprint(String text) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest).substring(0, KEY_LENGTH);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> deepCopy(Map<String, Object> tree) {
        Map<String, Object> copy = new LinkedHashMap<>();
        tree.forEach((key, value) -> copy.put(key, value instanceof Map<?, ?> map
                ? deepCopy((Map<String, Object>) map) : value));
        return copy;
    }

    @SuppressWarnings("unchecked")
    private static void remove(Map<String, Object> tree, String path) {
        int dot = path.indexOf('.');
        if (dot < 0) {
            tree.remove(path);
        } else if (tree.get(path.substring(0, dot)) instanceof Map<?, ?> inner) {
            remove((Map<String, Object>) inner, path.substring(dot + 1));
        }
    }

    @SuppressWarnings("unchecked")
    private static void put(Map<String, Object> tree, String path, Object value) {
        int dot = path.indexOf('.');
        if (dot < 0) {
            tree.put(path, value);
            return;
        }
        Object inner = tree.get(path.substring(0, dot));
        if (!(inner instanceof Map<?, ?>)) {
            inner = new LinkedHashMap<String, Object>();
            tree.put(path.substring(0, dot), inner);
        }
        put((Map<String, Object>) inner, path.substring(dot + 1), value);
    }
}
