package io.attnspark.record;

import com.fasterxml.jackson.annotation.JsonProperty;

/** How a training run ended; only completed runs enter the aggregated tables. */
public enum RunStatus {
    @JsonProperty("completed") COMPLETED,
    @JsonProperty("failed") FAILED;

    /** The spelling used in the JSON record. */
    public String jsonName() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
