package io.attnspark.model.attention;

import java.math.BigDecimal;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * A module's hyperparameters as they come from YAML or the CLI (numbers, or strings such as {@code "16"}),
 * checked against the names the module knows so that a typo fails instead of silently taking the default.
 */
public final class AttentionOptions {

    private final String module;
    private final Map<String, Object> values;

    private AttentionOptions(String module, Map<String, Object> values) {
        this.module = module;
        this.values = values;
    }

    /** @throws IllegalArgumentException when {@code options} holds a name that is not in {@code known} */
    public static AttentionOptions parse(String module, Map<String, Object> options, Set<String> known) {
        var unknown = new TreeSet<>(options.keySet());
        unknown.removeAll(known);
        if (!unknown.isEmpty()) {
            throw new IllegalArgumentException(module + ": unknown option(s) " + unknown + "; valid options: "
                    + (known.isEmpty() ? "none" : String.join(", ", new TreeSet<>(known))));
        }
        return new AttentionOptions(module, Map.copyOf(options));
    }

    /** @throws IllegalArgumentException when the value is not a whole number */
    public int integer(String name, int defaultValue) {
        Object value = values.get(name);
        if (value == null) {
            return defaultValue;
        }
        try {
            return new BigDecimal(value.toString().trim()).intValueExact();
        } catch (NumberFormatException | ArithmeticException e) {
            throw new IllegalArgumentException(module + ": option '" + name + "' must be a whole number, got '" + value + "'", e);
        }
    }

    /** @throws IllegalArgumentException when the value is not a finite number */
    public double decimal(String name, double defaultValue) {
        Object value = values.get(name);
        if (value == null) {
            return defaultValue;
        }
        try {
            double number = Double.parseDouble(value.toString().trim());
            if (Double.isFinite(number)) {
                return number;
            }
        } catch (NumberFormatException e) {
            // reported below, like an infinite value
        }
        throw new IllegalArgumentException(module + ": option '" + name + "' must be a number, got '" + value + "'");
    }
}
