package io.attnspark.results;

import io.attnspark.record.Experiment;
import io.attnspark.results.Charts.Curve;
import io.attnspark.results.Charts.CurvePoint;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import scala.collection.JavaConverters;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static io.attnspark.results.RunIdentities.AXIS;
import static io.attnspark.results.RunIdentities.CLASSES;
import static io.attnspark.results.RunIdentities.EXPERIMENT_KEY;
import static io.attnspark.results.RunIdentities.EXPERIMENT_SUMMARY;
import static io.attnspark.results.RunIdentities.OPTIONS;
import static io.attnspark.results.RunIdentities.VARIANT;
import static org.apache.spark.sql.functions.avg;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.collect_list;
import static org.apache.spark.sql.functions.collect_set;
import static org.apache.spark.sql.functions.concat_ws;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.sort_array;
import static org.apache.spark.sql.functions.stddev_samp;
import static org.apache.spark.sql.functions.struct;

/**
 * Spark SQL groups the runs by experiment and variant (and seed, so that replicates of a seed count once); the small
 * grouped result becomes the experiments' comparisons in Java.
 */
final class VariantGrouping {

    /** Identify a variant within its experiment; the rest of these columns are the same for all its runs. */
    private static final List<String> VARIANT_COLUMNS = List.of(EXPERIMENT_KEY, EXPERIMENT_SUMMARY, AXIS, VARIANT,
            "backbone", "attention", OPTIONS, "position", RecordFiles.STAGES, RecordFiles.DEFAULT_PLACEMENT);

    private VariantGrouping() {
    }

    /** Per experiment (by summary, so that a swept setting reads in order), each variant against its plain row. */
    static List<ExperimentReport> experiments(Dataset<Row> runs) {
        Column[] variant = VARIANT_COLUMNS.stream().map(name -> col(name)).toArray(Column[]::new);
        Dataset<Row> perVariant = runs.groupBy(variant).agg(count(lit(1)).as("runs"),
                avg(col("parameterCount")).as("parameters"), avg(col("imagesPerSecond")).as("imagesPerSecond"),
                concat_ws("; ", sort_array(collect_set(col(Aggregator.HARDWARE)))).as(Aggregator.HARDWARE),
                max(col(CLASSES)).as(CLASSES));
        Dataset<Row> perSeed = runs.groupBy(col(EXPERIMENT_KEY), col(VARIANT), col("seed"))
                .agg(avg(col("finalTop1").multiply(100.0)).as("top1"), avg(col("finalTop5").multiply(100.0)).as("top5"))
                .groupBy(EXPERIMENT_KEY, VARIANT)
                .agg(collect_list(struct(col("seed"), col("top1"), col("top5"))).as("seeds"));
        Map<Experiment, List<VariantStats>> byExperiment = new TreeMap<>(
                Comparator.comparing(Experiment::summary).thenComparing(Experiment::key));
        Map<Experiment, Integer> classes = new LinkedHashMap<>();
        for (Row row : perVariant.join(perSeed,
                JavaConverters.asScalaBuffer(List.of(EXPERIMENT_KEY, VARIANT))).collectAsList()) {
            Experiment experiment = new Experiment(row.getAs(EXPERIMENT_KEY), row.getAs(EXPERIMENT_SUMMARY));
            TreeMap<Long, Double> top1 = new TreeMap<>();
            TreeMap<Long, Double> top5 = new TreeMap<>();
            for (Row seed : row.<Row>getList(row.fieldIndex("seeds"))) {
                top1.put(seed.getLong(0), seed.getDouble(1));
                top5.put(seed.getLong(0), seed.getDouble(2));
            }
            byExperiment.computeIfAbsent(experiment, key -> new ArrayList<>()).add(new VariantStats(experiment,
                    row.getAs(AXIS), row.getAs("backbone"), row.getAs("attention"), row.getAs(OPTIONS),
                    row.getAs("position"), row.getAs(RecordFiles.STAGES), row.getAs(RecordFiles.DEFAULT_PLACEMENT),
                    new Summary(top1), new Summary(top5), row.<Long>getAs("runs"), row.<Double>getAs("parameters"),
                    row.<Double>getAs("imagesPerSecond"), row.getAs(Aggregator.HARDWARE)));
            if (!row.isNullAt(row.fieldIndex(CLASSES))) {
                classes.merge(experiment, row.<Integer>getAs(CLASSES), Math::max);
            }
        }
        List<ExperimentReport> experiments = new ArrayList<>();
        byExperiment.forEach((experiment, variants) -> experiments.add(new ExperimentReport(experiment,
                classes.get(experiment), comparisons(variants.stream().sorted(PaperTables.VARIANT_ORDER).toList()))));
        return experiments;
    }

    /** Each variant against the plain runs of its row (backbone and axis values). */
    private static List<Comparison> comparisons(List<VariantStats> variants) {
        Map<String, VariantStats> plainByRow = new LinkedHashMap<>();
        variants.stream().filter(VariantStats::plain).forEach(v -> plainByRow.put(v.row(), v));
        return variants.stream().map(v -> new Comparison(v, plainByRow.get(v.row()))).toList();
    }

    /** Per experiment key and variant label, the mean, std and number of runs of top-1 and loss per epoch. */
    static Map<String, List<Curve>> curves(Dataset<Row> epochs) {
        List<Row> points = epochs.groupBy(col(EXPERIMENT_KEY), col(VARIANT), col("epoch"))
                .agg(avg(col("top1").multiply(100.0)).as("top1"), stddev_samp(col("top1").multiply(100.0)).as("std"),
                        avg(col("trainLoss")).as("trainLoss"), count(lit(1)).as("n"))
                .orderBy(EXPERIMENT_KEY, VARIANT, "epoch")
                .collectAsList();
        Map<List<String>, List<CurvePoint>> byVariant = new LinkedHashMap<>();
        for (Row row : points) {
            byVariant.computeIfAbsent(List.of(row.getString(0), row.getString(1)), key -> new ArrayList<>())
                    .add(new CurvePoint(row.getAs("epoch"), row.getAs("top1"),
                            row.isNullAt(row.fieldIndex("std")) ? 0.0 : row.<Double>getAs("std"),
                            row.getAs("trainLoss"), row.<Long>getAs("n")));
        }
        Map<String, List<Curve>> curves = new LinkedHashMap<>();
        byVariant.forEach((key, curvePoints) -> curves.computeIfAbsent(key.get(0), k -> new ArrayList<>())
                .add(new Curve(key.get(1), curvePoints)));
        return curves;
    }
}
