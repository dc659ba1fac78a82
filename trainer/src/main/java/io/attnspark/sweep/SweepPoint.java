package io.attnspark.sweep;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * One point of a sweep: the dotted overrides that set it apart from the base config.
 *
 * @param index     1-based position in the sweep
 * @param id        stable across runs of the sweep: a hash of the overrides, independent of their order
 * @param overrides dotted config key -> value (a string, number, boolean, list or map)
 */
public record SweepPoint(int index, String id, Map<String, Object> overrides) {

    private static final ObjectMapper JSON = new ObjectMapper();

    public SweepPoint {
        overrides = Collections.unmodifiableMap(new LinkedHashMap<>(overrides));
    }

    static SweepPoint of(int index, Map<String, Object> overrides) {
        return new SweepPoint(index, idOf(overrides), overrides);
    }

    static String idOf(Map<String, Object> overrides) {
        try {
            byte[] canonical = JSON.writeValueAsBytes(new TreeMap<>(overrides));
            byte[] hash = MessageDigest.getInstance("SHA-256").digest(canonical);
            return HexFormat.of().formatHex(hash, 0, 5);
        } catch (JsonProcessingException | NoSuchAlgorithmException e) {
            throw new IllegalStateException("cannot hash the overrides " + overrides, e);
        }
    }

    /**
     * The overrides as {@code key=value} for {@link io.attnspark.train.config.ConfigLoader}; values are written as
     * JSON, which is YAML, so they keep their type (the string "1" stays a string).
     */
    public List<String> overrideArgs() {
        return overrideArgs(overrides);
    }

    static List<String> overrideArgs(Map<String, Object> overrides) {
        var args = new ArrayList<String>();
        overrides.forEach((key, value) -> {
            try {
                args.add(key + "=" + JSON.writeValueAsString(value));
            } catch (JsonProcessingException e) {
                throw new IllegalArgumentException(key + ": value " + value + " cannot be written", e);
            }
        });
        return args;
    }

    /** {@code key=value ...} as a person reads it. */
    public String describe() {
        var parts = new ArrayList<String>();
        overrides.forEach((key, value) -> parts.add(key + "=" + value));
        return String.join(" ", parts);
    }
}
