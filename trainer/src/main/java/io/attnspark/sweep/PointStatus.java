package io.attnspark.sweep;

import com.fasterxml.jackson.annotation.JsonValue;

import java.util.Locale;

/** Where a point of a sweep stands. */
public enum PointStatus {
    PENDING, RUNNING, COMPLETED, FAILED;

    @JsonValue
    public String jsonName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
