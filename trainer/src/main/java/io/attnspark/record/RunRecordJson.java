package io.attnspark.record;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The one JSON mapping of run records, shared by the writer, the reader and the record's free-form fields. */
public final class RunRecordJson {

    private static final TypeReference<LinkedHashMap<String, Object>> JSON_OBJECT = new TypeReference<>() { };

    // strict on read: a missing or misspelt field is an error instead of a silent 0 or null
    private static final ObjectMapper MAPPER = JsonMapper.builder()
            .enable(SerializationFeature.INDENT_OUTPUT)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .enable(DeserializationFeature.FAIL_ON_MISSING_CREATOR_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .build();

    private RunRecordJson() {
    }

    public static byte[] toBytes(RunRecord record) {
        try {
            return MAPPER.writeValueAsBytes(record);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("A validated run record must serialize; " + e.getOriginalMessage(), e);
        }
    }

    /** Fields added after schema version 1 was first written: an older record without them reads them as null. */
    private static final List<String> ADDED_FIELDS = List.of("defaultPlacement", "dataset", "experiment", "gpuAssignments");

    /** Parses one record; the record constructors' checks apply, so an invalid record fails here. */
    public static RunRecord fromBytes(byte[] json) throws IOException {
        JsonNode tree = MAPPER.readTree(json);
        if (tree == null || tree.isMissingNode()) {
            throw new IOException("no JSON record (empty input)");
        }
        if (tree instanceof ObjectNode object) {
            ADDED_FIELDS.forEach(field -> {
                if (!object.has(field)) {
                    object.putNull(field);
                }
            });
        }
        return MAPPER.treeToValue(tree, RunRecord.class);
    }

    /**
     * {@code value} (a config record, a map, ...) as the immutable JSON object it serializes to, with the number types
     * JSON reading produces; so a record compares equal to itself after a write and a read.
     *
     * @throws IllegalArgumentException if {@code value} does not serialize to a JSON object
     */
    public static Map<String, Object> toJsonObject(Object value) {
        try {
            return immutable(MAPPER.readValue(MAPPER.writeValueAsBytes(value), JSON_OBJECT));
        } catch (IOException e) {
            throw new IllegalArgumentException("Expected a value that serializes to a JSON object, got "
                    + value.getClass().getName() + ": " + e.getMessage(), e);
        }
    }

    // JSON objects may hold nulls, which Map.copyOf and List.copyOf refuse
    private static Map<String, Object> immutable(Map<String, Object> object) {
        Map<String, Object> copy = new LinkedHashMap<>();
        object.forEach((key, value) -> copy.put(key, immutableValue(value)));
        return Collections.unmodifiableMap(copy);
    }

    @SuppressWarnings("unchecked")
    private static Object immutableValue(Object value) {
        if (value instanceof Map<?, ?> map) {
            return immutable((Map<String, Object>) map);
        }
        if (value instanceof List<?> list) {
            List<Object> copy = new ArrayList<>(list.size());
            list.forEach(element -> copy.add(immutableValue(element)));
            return Collections.unmodifiableList(copy);
        }
        return value;
    }
}
