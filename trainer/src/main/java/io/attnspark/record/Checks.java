package io.attnspark.record;

/** The argument checks the record constructors share. */
final class Checks {
    private Checks() {
    }

    static String nonBlank(String value, String name) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException(name + " must be a non-blank string, got "
                    + (value == null ? "null" : "'" + value + "'"));
        }
        return value;
    }

    static void accuracy(double value, String name) {
        if (!(value >= 0.0 && value <= 1.0)) {
            throw new IllegalArgumentException(name + " must be a fraction in [0, 1] (not a percentage), got " + value);
        }
    }

    static void nonNegativeFinite(double value, String name) {
        if (!(value >= 0.0) || Double.isInfinite(value)) {
            throw new IllegalArgumentException(name + " must be finite and >= 0, got " + value);
        }
    }
}
