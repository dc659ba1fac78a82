package io.attnspark.train.config;

/** Validation helpers whose messages say what is wrong and how to fix it. */
final class Checks {
    private Checks() { }

    static String nonBlank(String value, String key, String expected) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException(key + ": missing; expected " + expected);
        }
        return value;
    }

    static int atLeast(int value, int min, String key) {
        if (value < min) {
            throw new IllegalArgumentException(key + ": " + value + " is below " + min + "; use a value >= " + min);
        }
        return value;
    }

    static double positive(double value, String key) {
        if (!(value > 0) || Double.isInfinite(value)) {
            throw new IllegalArgumentException(key + ": " + value + " must be a positive finite number");
        }
        return value;
    }

    static double nonNegative(double value, String key) {
        if (!(value >= 0) || Double.isInfinite(value)) {
            throw new IllegalArgumentException(key + ": " + value + " must be zero or a positive finite number");
        }
        return value;
    }

    static <T> T or(T value, T fallback) {
        return value == null ? fallback : value;
    }
}
