package io.attnspark.bench;

import io.attnspark.model.Models;
import io.attnspark.model.attention.AttentionModule;
import io.attnspark.model.attention.AttentionRegistry;
import java.lang.reflect.RecordComponent;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;

/**
 * What every registered attention module offers: its options with their defaults (the components of the module's
 * config record, which carry the option names), the trainable parameters it adds at C channels (counted like PyTorch,
 * without batch-norm running statistics), and the error messages of options it rejects.
 */
public final class ModuleCatalog {

    /** {@code params} is null when the module cannot work at this channel count; {@code problem} then says why. */
    public record Entry(String name, Map<String, Object> defaults, Long params, String problem, List<Rejection> rejections) { }

    /** An option setting the module refuses, with its own message. */
    public record Rejection(String options, String message) { }

    private ModuleCatalog() { }

    public static List<Entry> entries(int channels, int size) {
        List<Entry> entries = new ArrayList<>();
        for (String name : AttentionRegistry.names()) {
            AttentionModule module = AttentionRegistry.create(name, Map.of());
            Map<String, Object> defaults = defaults(module);
            Long params = null;
            String problem = null;
            try {
                params = parameters(module, channels, size);
            } catch (RuntimeException e) {
                problem = reason(e);
            }
            entries.add(new Entry(name, defaults, params, problem, rejections(name, defaults, channels, size)));
        }
        return entries;
    }

    /** Trainable parameters of {@code module} alone at {@code channels} channels. */
    public static long parameters(AttentionModule module, int channels, int size) {
        var conf = ModuleGraphs.module(module, channels, size, new NeuralNetConfiguration.Builder());
        return Models.parameterCounts(conf).values().stream().mapToLong(Long::longValue).sum();
    }

    private static Map<String, Object> defaults(AttentionModule module) {
        Map<String, Object> defaults = new LinkedHashMap<>();
        RecordComponent[] components = module.getClass().getRecordComponents();
        if (components == null) {
            return defaults;
        }
        for (RecordComponent component : components) {
            try {
                Object value = component.getAccessor().invoke(module);
                defaults.put(component.getName(), value instanceof Enum<?> constant
                        ? constant.name().toLowerCase(Locale.ROOT) : value);
            } catch (ReflectiveOperationException e) {
                throw new IllegalStateException("cannot read option " + component.getName() + " of " + module.name(), e);
            }
        }
        return defaults;
    }

    /**
     * Tries each option at values a user might get wrong (0, more than the channels, a word that is no choice) and an
     * unknown option name, and keeps those the module rejects, at creation or when attached at {@code channels}.
     */
    private static List<Rejection> rejections(String name, Map<String, Object> defaults, int channels, int size) {
        List<Map<String, Object>> probes = new ArrayList<>();
        defaults.forEach((option, value) -> {
            if (value instanceof Integer) {
                probes.add(Map.of(option, 0));
                probes.add(Map.of(option, channels + 1));
            } else {
                probes.add(Map.of(option, "bogus"));
            }
        });
        probes.add(Map.of("bogusOption", 1));
        List<Rejection> rejections = new ArrayList<>();
        for (Map<String, Object> probe : probes) {
            try {
                parameters(AttentionRegistry.create(name, probe), channels, size);
            } catch (RuntimeException e) {
                rejections.add(new Rejection(describe(probe), reason(e)));
            }
        }
        return rejections;
    }

    private static String describe(Map<String, Object> options) {
        var entry = options.entrySet().iterator().next();
        return entry.getKey() + "=" + entry.getValue();
    }

    /** DL4J wraps configuration errors; the innermost message says what is wrong. */
    static String reason(Throwable e) {
        Throwable cause = e;
        while (cause.getCause() != null && cause.getCause() != cause) {
            cause = cause.getCause();
        }
        String message = cause.getMessage() != null ? cause.getMessage() : cause.getClass().getSimpleName();
        return message.replaceAll("\\s+", " ").trim();
    }

    public static String table(List<Entry> entries, int channels) {
        List<String[]> cells = new ArrayList<>();
        cells.add(new String[] {"module", "options (defaults)", "params at C=" + channels, "note"});
        for (Entry entry : entries) {
            String options = entry.defaults().isEmpty() ? "-" : entry.defaults().entrySet().stream()
                    .map(option -> option.getKey() + "=" + option.getValue())
                    .collect(java.util.stream.Collectors.joining(", "));
            cells.add(new String[] {entry.name(), options,
                    entry.params() == null ? "-" : String.format(Locale.ROOT, "%,d", entry.params()),
                    entry.problem() == null ? "" : entry.problem()});
        }
        StringBuilder text = new StringBuilder(TextTable.render(cells, 1, 3));
        text.append("\nrejected options (the module's own message):\n");
        for (Entry entry : entries) {
            for (Rejection rejection : entry.rejections()) {
                text.append("  ").append(entry.name()).append(' ').append(rejection.options()).append(": ")
                        .append(rejection.message()).append('\n');
            }
        }
        return text.toString();
    }
}
