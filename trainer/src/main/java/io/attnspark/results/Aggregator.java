package io.attnspark.results;

import io.attnspark.results.Charts.Curve;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static io.attnspark.results.RunIdentities.EXPERIMENT_KEY;
import static io.attnspark.results.RunIdentities.EXPERIMENT_SUMMARY;
import static io.attnspark.results.RunIdentities.VARIANT;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.concat_ws;
import static org.apache.spark.sql.functions.explode;

/**
 * Turns a directory of run records into paper-style tables per experiment (backbones x attention variants: mean ±
 * std over seeds, change against plain with its 95 % interval and a paired or Welch test, parameter and throughput
 * cost, ablations by position and stage), plots, a self-contained HTML report, and Parquet datasets of the runs and
 * their epochs. The steps: read and validate the records, identify each run's experiment and variant, group, lay
 * out, write.
 */
public final class Aggregator {

    /** The main tables (top-1), as printed. */
    public static final String TABLE_MD = "table.md";
    /** The main tables with numbers: experiment, row, then mean, std, n, delta, CI and p per column. */
    public static final String TABLE_CSV = "table.csv";
    /** Every table, with headings and captions. */
    public static final String TABLES_MD = "tables.md";
    /** One row per variant with every statistic, unformatted. */
    public static final String VARIANTS_CSV = "variants.csv";
    public static final String REPORT_HTML = "report.html";
    public static final String RUNS_PARQUET = "runs.parquet";
    public static final String EPOCHS_PARQUET = "epochs.parquet";
    public static final String PLOTS_DIR = "plots";
    /** Plot names end so; each experiment's start with its key. */
    public static final String TOP1_VS_PARAMETERS_PNG = "top1-vs-parameters.png";
    public static final String TOP1_VS_THROUGHPUT_PNG = "top1-vs-throughput.png";
    public static final String TRAINING_CURVES_PNG = "training-curves.png";

    /** Where a run ran: its driver host and Spark master; throughput compares only within one. */
    static final String HARDWARE = "hardware";

    /** The columns of runs.parquet. */
    static final List<String> RUN_COLUMNS = List.of("runId", EXPERIMENT_KEY, EXPERIMENT_SUMMARY,
            RunIdentities.AXIS, VARIANT, RunIdentities.COLUMN, "backbone", "attention", RunIdentities.OPTIONS,
            "position", RecordFiles.STAGES, RecordFiles.DEFAULT_PLACEMENT, "seed", "finalTop1", "finalTop5",
            "bestTop1", "parameterCount", "imagesPerSecond", "wallTimeSeconds", "workers", "sparkMaster", HARDWARE,
            RunIdentities.CLASSES, "attentionOptions", "config", RecordFiles.FILE);

    private final SparkSession spark;
    private final boolean plots;
    private final List<String> axes;

    /** @param spark the session to read and write with; the aggregator never creates or stops one */
    public Aggregator(SparkSession spark) {
        this(spark, true, List.of());
    }

    /**
     * @param plots whether to draw the PNG plots (and embed them in the HTML report)
     * @param axes  config settings to show as table axes instead of splitting experiments, e.g. {@code recipe.lr}
     */
    public Aggregator(SparkSession spark, boolean plots, List<String> axes) {
        this.spark = spark;
        this.plots = plots;
        this.axes = List.copyOf(axes);
    }

    /** The output directory when none is given: {@code <resultsDir>/aggregate}. */
    public static String defaultOutDir(String resultsDir) {
        return new Path(resultsDir, "aggregate").toString();
    }

    /** {@link #aggregate(String, String)} into {@link #defaultOutDir(String)}. */
    public AggregateResult aggregate(String resultsDir) throws IOException {
        return aggregate(resultsDir, defaultOutDir(resultsDir));
    }

    /**
     * @param resultsDir directory (any Hadoop URI) searched recursively for {@code *.json} run records
     * @param outDir     directory (any Hadoop URI) for the tables, the report, the plots and the Parquet datasets;
     *                   existing outputs there are replaced
     * @throws IllegalArgumentException if {@code resultsDir} does not exist or holds no record file
     */
    public AggregateResult aggregate(String resultsDir, String outDir) throws IOException {
        try (RecordFiles files = RecordFiles.read(spark, resultsDir)) {
            Dataset<Row> runs = runs(files.valid()).cache();
            try {
                Dataset<Row> epochs = epochs(files.valid(), runs);
                List<ExperimentReport> experiments = VariantGrouping.experiments(runs);
                List<Html.Section> sections = sections(experiments, VariantGrouping.curves(epochs));
                List<String> plotFiles = sections.stream().flatMap(s -> s.figures().stream())
                        .map(f -> PLOTS_DIR + "/" + f.fileName()).toList();
                AggregateResult result = new AggregateResult(experiments, plotFiles, files.skipped(), runs.count(),
                        outDir);
                new ReportFiles(new Path(outDir), spark.sparkContext().hadoopConfiguration())
                        .write(result, runs, epochs, sections);
                return result;
            } finally {
                runs.unpersist();
            }
        }
    }

    /** The valid records with their experiment and variant: runs.parquet, and what the tables group. */
    private Dataset<Row> runs(Dataset<Row> valid) {
        Dataset<Row> identities = RunIdentities.of(spark, valid, axes);
        return valid.drop(RunIdentities.PLACEMENT.toArray(String[]::new))
                .withColumn(HARDWARE, concat_ws(" ", col("provenance.host"), col("sparkMaster")))
                .join(identities, "runId")
                .select(RUN_COLUMNS.stream().map(name -> col(name)).toArray(Column[]::new));
    }

    /** One row per run and epoch, with the run's experiment and variant: epochs.parquet. */
    private static Dataset<Row> epochs(Dataset<Row> valid, Dataset<Row> runs) {
        List<String> identity = List.of("runId", EXPERIMENT_KEY, EXPERIMENT_SUMMARY, VARIANT, "backbone", "attention",
                "position", RecordFiles.STAGES, RecordFiles.DEFAULT_PLACEMENT, "seed");
        return valid.select(col("runId"), explode(col("epochs")).as("e"))
                .join(runs.select(identity.stream().map(name -> col(name)).toArray(Column[]::new)), "runId")
                .select(Stream.concat(identity.stream().map(name -> col(name)), Stream.of(
                        col("e.epoch").as("epoch"), col("e.trainLoss").as("trainLoss"), col("e.top1").as("top1"),
                        col("e.top5").as("top5"), col("e.imagesPerSecond").as("imagesPerSecond")))
                        .toArray(Column[]::new));
    }

    /** Per experiment: its tables and plots, and why a plot is left out. */
    private List<Html.Section> sections(List<ExperimentReport> experiments, Map<String, List<Curve>> curves) {
        List<Html.Section> sections = new ArrayList<>();
        for (ExperimentReport experiment : experiments) {
            List<Html.Figure> figures = new ArrayList<>();
            List<String> notes = new ArrayList<>();
            if (plots) {
                figures(experiment, curves.getOrDefault(experiment.experiment().key(), List.of()), figures, notes);
            }
            sections.add(new Html.Section(experiment, experiment.tables(), figures, notes));
        }
        return sections;
    }

    private static void figures(ExperimentReport experiment, List<Curve> curves, List<Html.Figure> figures,
                                List<String> notes) {
        String prefix = experiment.experiment().key() + "-";
        List<VariantStats> all = experiment.comparisons().stream().map(Comparison::variant).toList();
        List<VariantStats> main = all.stream().filter(VariantStats::defaultPlacement).toList();
        figures.add(new Html.Figure(prefix + TOP1_VS_PARAMETERS_PNG, "the main table's variants",
                Charts.top1VsParameters(main)));
        boolean oneHardware = all.stream().map(VariantStats::hardware).distinct().count() == 1
                && !all.get(0).hardware().contains(";");
        if (oneHardware) {
            boolean single = all.stream().anyMatch(v -> v.runs() < 2);
            figures.add(new Html.Figure(prefix + TOP1_VS_THROUGHPUT_PNG, "every variant, all on "
                    + all.get(0).hardware() + (single ? "; single runs (n=1, noisy) are one timing each" : ""),
                    Charts.top1VsThroughput(all)));
        } else {
            notes.add("No throughput plot: these runs ran on different hosts or Spark masters ("
                    + String.join("; ", all.stream().map(VariantStats::hardware).distinct().toList())
                    + "), whose speeds say nothing about the modules.");
        }
        if (!curves.isEmpty()) {
            // in table order, so that each variant keeps its colour from plot to plot
            List<String> order = all.stream().map(VariantStats::label).toList();
            figures.add(new Html.Figure(prefix + TRAINING_CURVES_PNG, "per variant and epoch", Charts.trainingCurves(
                    curves.stream().sorted(Comparator.comparing((Curve curve) -> order.indexOf(curve.label()))).toList())));
        }
    }
}
