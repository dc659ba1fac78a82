package io.attnspark.model.attention;

import java.util.Arrays;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Reads word and yes/no options (e.g. {@code pooling: att}, {@code zeroInitGamma: false}) from a module's options
 * map, after {@link AttentionOptions#parse} has rejected unknown names. Enum constants are matched by their
 * lower-case name.
 */
final class OptionChoices {

    private OptionChoices() { }

    /** @throws IllegalArgumentException when the value is none of the constants of {@code type} */
    static <E extends Enum<E>> E choice(String module, Map<String, Object> options, String name, Class<E> type,
            E defaultValue) {
        Object value = options.get(name);
        if (value == null) {
            return defaultValue;
        }
        String word = value.toString().trim().toLowerCase(Locale.ROOT);
        return Arrays.stream(type.getEnumConstants()).filter(constant -> lowerName(constant).equals(word)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException(module + ": option '" + name + "' must be one of "
                        + Arrays.stream(type.getEnumConstants()).map(OptionChoices::lowerName).collect(Collectors.joining(", "))
                        + "; got '" + value + "'"));
    }

    /** @throws IllegalArgumentException when the value is not {@code true} or {@code false} */
    static boolean flag(String module, Map<String, Object> options, String name, boolean defaultValue) {
        Object value = options.get(name);
        if (value == null) {
            return defaultValue;
        }
        return switch (value.toString().trim().toLowerCase(Locale.ROOT)) {
            case "true" -> true;
            case "false" -> false;
            default -> throw new IllegalArgumentException(module + ": option '" + name + "' must be true or false, got '"
                    + value + "'");
        };
    }

    static String lowerName(Enum<?> constant) {
        return constant.name().toLowerCase(Locale.ROOT);
    }
}
