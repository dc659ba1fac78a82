package io.attnspark.results;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

import java.util.Optional;

/** Why Spark could not read a record file: not JSON at all, or which field holds a value of the wrong type. */
final class FieldTypes {

    private static final ObjectMapper JSON = new ObjectMapper();

    private FieldTypes() {
    }

    /** The reason for a file Spark put into the corrupt-record column. */
    static String reason(String text) {
        JsonNode tree;
        try {
            tree = JSON.readTree(text);
        } catch (JsonProcessingException e) {
            return "malformed JSON: " + e.getOriginalMessage() + " at line " + e.getLocation().getLineNr()
                    + ", column " + e.getLocation().getColumnNr();
        }
        if (tree == null || !tree.isObject()) {
            return "malformed record: expected a JSON object";
        }
        return mismatch(tree, RecordSchema.RUN_RECORD_FILE, "")
                .orElse("malformed record (Spark could not read it against the run-record schema)");
    }

    private static Optional<String> mismatch(JsonNode node, DataType type, String field) {
        if (node.isNull()) {
            return Optional.empty();
        }
        if (type instanceof StructType struct) {
            if (!node.isObject()) {
                return wrong(field, "an object", node);
            }
            for (StructField child : struct.fields()) {
                JsonNode value = node.get(child.name());
                if (value != null) {
                    Optional<String> inner = mismatch(value, child.dataType(),
                            field.isEmpty() ? child.name() : field + "." + child.name());
                    if (inner.isPresent()) {
                        return inner;
                    }
                }
            }
            return Optional.empty();
        }
        if (type instanceof ArrayType array) {
            if (!node.isArray()) {
                return wrong(field, "a list", node);
            }
            for (int i = 0; i < node.size(); i++) {
                Optional<String> inner = mismatch(node.get(i), array.elementType(), field + "[" + i + "]");
                if (inner.isPresent()) {
                    return inner;
                }
            }
            return Optional.empty();
        }
        if (type.equals(DataTypes.IntegerType) || type.equals(DataTypes.LongType)) {
            return node.isIntegralNumber() ? Optional.empty() : wrong(field, "a whole number", node);
        }
        if (type.equals(DataTypes.DoubleType)) {
            return node.isNumber() ? Optional.empty() : wrong(field, "a number", node);
        }
        if (type.equals(DataTypes.BooleanType)) {
            return node.isBoolean() ? Optional.empty() : wrong(field, "true or false", node);
        }
        // Spark keeps any value of a string field as its text
        return Optional.empty();
    }

    private static Optional<String> wrong(String field, String expected, JsonNode got) {
        String value = got.toString();
        return Optional.of("field '" + field + "' must be " + expected + ", got "
                + (value.length() > 40 ? value.substring(0, 40) + "..." : value));
    }
}
