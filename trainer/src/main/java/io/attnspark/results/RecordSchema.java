package io.attnspark.results;

import io.attnspark.record.RunRecord;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.Metadata;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * The Spark schema of a run-record file, derived from the {@link RunRecord} components, so that the schema cannot
 * drift from what the writer writes. Every field is nullable: a missing field is reported, not fatal.
 */
final class RecordSchema {

    /** Where Spark puts the text of a file it cannot parse. */
    static final String CORRUPT_RECORD = "_corrupt_record";

    /** {@link RunRecord} plus {@link #CORRUPT_RECORD}. */
    static final StructType RUN_RECORD_FILE = structOf(RunRecord.class)
            .add(CORRUPT_RECORD, DataTypes.StringType, true);

    private RecordSchema() {
    }

    static StructType structOf(Class<? extends Record> type) {
        return new StructType(Arrays.stream(type.getRecordComponents())
                .map(component -> new StructField(component.getName(), sparkType(component.getGenericType(), component),
                        true, Metadata.empty()))
                .toArray(StructField[]::new));
    }

    @SuppressWarnings("unchecked")
    private static DataType sparkType(Type type, RecordComponent component) {
        if (type instanceof ParameterizedType parameterized) {
            Class<?> raw = (Class<?>) parameterized.getRawType();
            if (List.class.equals(raw)) {
                return DataTypes.createArrayType(sparkType(parameterized.getActualTypeArguments()[0], component), true);
            }
            if (Map.class.equals(raw)) {
                // free-form JSON objects: Spark keeps the raw JSON text of a value read as a string
                return DataTypes.StringType;
            }
        } else if (type instanceof Class<?> cls) {
            if (cls.equals(String.class) || cls.isEnum()) {
                return DataTypes.StringType;
            }
            if (cls.equals(int.class) || cls.equals(Integer.class)) {
                return DataTypes.IntegerType;
            }
            if (cls.equals(long.class) || cls.equals(Long.class)) {
                return DataTypes.LongType;
            }
            if (cls.equals(double.class) || cls.equals(Double.class)) {
                return DataTypes.DoubleType;
            }
            if (cls.equals(boolean.class) || cls.equals(Boolean.class)) {
                return DataTypes.BooleanType;
            }
            if (cls.isRecord()) {
                return structOf((Class<? extends Record>) cls);
            }
        }
        throw new IllegalStateException("No Spark type for " + type + " of " + component
                + "; extend RecordSchema when the run-record schema gains a new kind of field");
    }
}
