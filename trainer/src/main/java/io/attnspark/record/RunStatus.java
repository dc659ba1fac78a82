package io.attnspark.record;

import com.fasterxml.jackson.annotation.JsonValue;

import java.util.Locale;

/** How a training run ended; only completed runs enter the aggregated tables. */
public enum RunStatus {
    COMPLETED,
    FAILED;

    /** The spelling in the JSON record: {@code completed} or {@code failed}. */
    @JsonValue
    public String jsonName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
