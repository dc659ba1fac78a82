package io.attnspark.results;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.attnspark.record.DatasetIdentity;
import io.attnspark.record.Experiment;
import io.attnspark.record.Experiments;
import io.attnspark.record.RunRecord;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * Per run, which experiment and which variant it is: the experiment key and summary ({@link Experiments}, computed
 * from the stored config so that records that predate the key get one too, and so that {@code --axis} settings can
 * leave it), the axis values, and the variant label the report and the notebooks group by.
 */
final class RunIdentities {

    static final String EXPERIMENT_KEY = "experimentKey";
    static final String EXPERIMENT_SUMMARY = "experimentSummary";
    static final String AXIS = "axis";
    static final String OPTIONS = "options";
    static final String VARIANT = "variant";
    static final String COLUMN = "column";
    static final String CLASSES = "classes";
    /** The columns identities() replaces in the runs: a plain run has no placement. */
    static final List<String> PLACEMENT = List.of("position", RecordFiles.STAGES, RecordFiles.DEFAULT_PLACEMENT);

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final TypeReference<Map<String, Object>> OBJECT = new TypeReference<>() { };
    private static final StructType SCHEMA = new StructType().add("runId", DataTypes.StringType)
            .add(EXPERIMENT_KEY, DataTypes.StringType).add(EXPERIMENT_SUMMARY, DataTypes.StringType)
            .add(AXIS, DataTypes.StringType).add(OPTIONS, DataTypes.StringType).add(VARIANT, DataTypes.StringType)
            .add(COLUMN, DataTypes.StringType).add("position", DataTypes.StringType)
            .add(RecordFiles.STAGES, DataTypes.StringType).add(RecordFiles.DEFAULT_PLACEMENT, DataTypes.BooleanType)
            .add(CLASSES, DataTypes.IntegerType);

    private RunIdentities() {
    }

    /**
     * @param valid the valid records
     * @param axes  config paths shown as table axes, e.g. {@code recipe.lr}
     * @return one row per run: runId and the identity columns
     * @throws IllegalArgumentException for an axis that is compared anyway, or that no record's config has
     */
    static Dataset<Row> of(SparkSession spark, Dataset<Row> valid, List<String> axes) {
        axes.stream().filter(Experiments.COMPARED::contains).findFirst().ifPresent(axis -> {
            throw new IllegalArgumentException("--axis " + axis + ": the tables compare it already; give a setting "
                    + "that splits experiments, e.g. recipe.lr or model.width");
        });
        List<Row> identities = new ArrayList<>();
        List<String> axesSeen = new ArrayList<>();
        for (Row run : valid.select("runId", "config", "dataset", "workers", "backbone", "attention",
                "attentionOptions", "position", RecordFiles.STAGES, RecordFiles.DEFAULT_PLACEMENT).collectAsList()) {
            Map<String, Object> config = parse(run.getString(1));
            DatasetIdentity dataset = dataset(run.isNullAt(2) ? null : run.getStruct(2));
            int workers = run.getInt(3);
            Map<String, Object> fixed = Experiments.heldFixed(config, dataset, workers);
            List<String> axisValues = new ArrayList<>();
            for (String axis : axes) {
                Object value = Experiments.valueAt(fixed, axis);
                if (value != null) {
                    axesSeen.add(axis);
                }
                axisValues.add(axis.substring(axis.lastIndexOf('.') + 1) + "=" + Experiments.display(value));
            }
            Experiment experiment = Experiments.of(config, dataset, workers, axes);
            String attention = run.getString(5);
            boolean plain = RunRecord.NO_ATTENTION.equals(attention);
            String options = plain || run.isNullAt(6) ? "" : options(parse(run.getString(6)));
            String position = plain ? VariantStats.STANDARD_POSITION : run.getString(7);
            String stages = plain ? VariantStats.ALL_STAGES : run.getString(8);
            boolean defaultPlacement = plain || run.getBoolean(9);
            String axis = String.join(", ", axisValues);
            identities.add(RowFactory.create(run.getString(0), experiment.key(), experiment.summary(), axis, options,
                    VariantStats.label(axis, run.getString(4), attention, options, position, stages, defaultPlacement),
                    VariantStats.column(attention, options), position, stages, defaultPlacement,
                    dataset == null ? null : dataset.classes()));
        }
        axes.stream().filter(axis -> !identities.isEmpty() && !axesSeen.contains(axis)).findFirst().ifPresent(axis -> {
            throw new IllegalArgumentException("--axis " + axis + ": no run's config has this setting; give a dotted "
                    + "config key such as recipe.lr, recipe.epochs, model.width or spark.workers");
        });
        return spark.createDataFrame(identities, SCHEMA);
    }

    /** Compact and sorted, e.g. {@code (reduction=8)}; empty without options. */
    private static String options(Map<String, Object> options) {
        return options.isEmpty() ? "" : new TreeMap<>(options).entrySet().stream()
                .map(e -> e.getKey() + "=" + Experiments.display(e.getValue()))
                .collect(Collectors.joining(", ", "(", ")"));
    }

    private static DatasetIdentity dataset(Row row) {
        return row == null || row.isNullAt(row.fieldIndex("fingerprint")) ? null
                : new DatasetIdentity(row.getAs("fingerprint"), row.getAs("name"), row.<Integer>getAs("classes"),
                row.<Long>getAs("trainImages"), row.<Long>getAs("valImages"));
    }

    private static Map<String, Object> parse(String json) {
        try {
            return json == null ? Map.of() : JSON.readValue(json, OBJECT);
        } catch (IOException e) {
            throw new UncheckedIOException("Spark read this JSON object, so Jackson must too: " + json, e);
        }
    }
}
