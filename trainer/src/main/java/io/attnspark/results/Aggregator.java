package io.attnspark.results;

import io.attnspark.record.AtomicHadoopFile;
import io.attnspark.record.RunRecord;
import io.attnspark.record.RunStatus;
import io.attnspark.record.WriteMode;
import io.attnspark.results.Charts.Curve;
import io.attnspark.results.Charts.CurvePoint;
import io.attnspark.results.Comparison.Metric;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileContext;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Options;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.expressions.WindowSpec;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.apache.spark.sql.functions.avg;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.collect_list;
import static org.apache.spark.sql.functions.concat;
import static org.apache.spark.sql.functions.concat_ws;
import static org.apache.spark.sql.functions.explode;
import static org.apache.spark.sql.functions.first;
import static org.apache.spark.sql.functions.get_json_object;
import static org.apache.spark.sql.functions.input_file_name;
import static org.apache.spark.sql.functions.length;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.not;
import static org.apache.spark.sql.functions.row_number;
import static org.apache.spark.sql.functions.stddev_samp;
import static org.apache.spark.sql.functions.when;

/**
 * Turns a directory of run records into paper-style tables (backbones x attention variants: mean ± std over seeds,
 * change against plain with Welch's t-test, parameter and throughput cost, ablations by position and stage), plots,
 * a self-contained HTML report, and Parquet datasets of the runs and their epochs. Spark SQL does the grouping; the
 * small grouped results are laid out in Java. Unreadable, failed or incomplete records are reported and left out,
 * never fatal.
 */
public final class Aggregator {

    /** The main table (top-1), as printed. */
    public static final String TABLE_MD = "table.md";
    /** The main table with numbers: mean, std, n, delta and p per attention. */
    public static final String TABLE_CSV = "table.csv";
    /** Every table, with headings and captions. */
    public static final String TABLES_MD = "tables.md";
    /** One row per variant with every statistic, unformatted. */
    public static final String VARIANTS_CSV = "variants.csv";
    public static final String REPORT_HTML = "report.html";
    public static final String RUNS_PARQUET = "runs.parquet";
    public static final String EPOCHS_PARQUET = "epochs.parquet";
    public static final String PLOTS_DIR = "plots";
    public static final String TOP1_VS_PARAMETERS_PNG = "top1-vs-parameters.png";
    public static final String TOP1_VS_THROUGHPUT_PNG = "top1-vs-throughput.png";
    public static final String TRAINING_CURVES_PNG = "training-curves.png";

    static final String FILE = "file";
    private static final String SKIP_REASON = "skipReason";
    private static final String STAGES = "stages";
    private static final String DEFAULT_PLACEMENT = "defaultPlacement";

    /** The columns of runs.parquet a record must have to be aggregated. */
    static final List<String> RUN_COLUMNS = List.of("runId", "backbone", "attention", "position", "seed", "finalTop1",
            "finalTop5", "bestTop1", "parameterCount", "imagesPerSecond", "wallTimeSeconds", "workers", "sparkMaster");
    private static final List<String> REQUIRED = Stream.concat(Stream.of("schemaVersion", "status", "epochs"),
            RUN_COLUMNS.stream()).toList();
    private static final List<String> VARIANT_KEY = List.of("backbone", "attention", "position", STAGES);

    private final SparkSession spark;
    private final boolean plots;

    /** @param spark the session to read and write with; the aggregator never creates or stops one */
    public Aggregator(SparkSession spark) {
        this(spark, true);
    }

    /** @param plots whether to draw the PNG plots (and embed them in the HTML report) */
    public Aggregator(SparkSession spark, boolean plots) {
        this.spark = spark;
        this.plots = plots;
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
     */
    public AggregateResult aggregate(String resultsDir, String outDir) throws IOException {
        Dataset<Row> parsed = spark.read()
                .schema(RecordSchema.RUN_RECORD_FILE)
                .option("multiLine", true)
                .option("mode", "PERMISSIVE")
                .option("columnNameOfCorruptRecord", RecordSchema.CORRUPT_RECORD)
                .option("recursiveFileLookup", true)
                .option("pathGlobFilter", "*.json")
                .json(resultsDir);
        // from the file index; the cached plan below no longer knows its files
        String[] recordFiles = parsed.inputFiles();
        Dataset<Row> records = withoutDuplicateRuns(parsed
                .withColumn(FILE, input_file_name())
                .withColumn(SKIP_REASON, skipReason()))
                .cache();
        try {
            List<SkippedFile> skipped = skippedFiles(records, recordFiles);
            Dataset<Row> valid = records.where(col(SKIP_REASON).isNull())
                    // the SE paper's stage ablation; absent, or every stage listed, where the module is everywhere
                    .withColumn(STAGES, coalesce(get_json_object(col("config"), "$.model.stages"),
                            lit(VariantStats.ALL_STAGES)))
                    .withColumn(STAGES, when(col(STAGES).equalTo(lit(VariantStats.EVERY_STAGE_LISTED)),
                            lit(VariantStats.ALL_STAGES)).otherwise(col(STAGES)))
                    .withColumn(DEFAULT_PLACEMENT, defaultPlacement());
            Dataset<Row> runs = valid.select(Stream.concat(RUN_COLUMNS.stream(),
                            Stream.of(STAGES, DEFAULT_PLACEMENT, "attentionOptions", "config", FILE))
                    .map(name -> col(name)).toArray(Column[]::new));
            Dataset<Row> epochs = epochs(valid);

            List<Comparison> comparisons = comparisons(variantStats(runs));
            PaperTables paperTables = new PaperTables(comparisons);
            List<ReportTable> tables = paperTables.all();
            List<Html.Figure> figures = plots && !comparisons.isEmpty()
                    ? figures(paperTables, comparisons, curves(epochs, comparisons)) : List.of();
            AggregateResult result = new AggregateResult(paperTables.attentions(), paperTables.rows(Metric.TOP1),
                    tables, comparisons, figures.stream().map(f -> PLOTS_DIR + "/" + f.fileName()).toList(), skipped,
                    runs.count(), outDir);

            Configuration hadoopConf = spark.sparkContext().hadoopConfiguration();
            runs.write().mode(SaveMode.Overwrite).parquet(new Path(outDir, RUNS_PARQUET).toString());
            epochs.write().mode(SaveMode.Overwrite).parquet(new Path(outDir, EPOCHS_PARQUET).toString());
            writeText(new Path(outDir, TABLE_MD), result.toMarkdown(), hadoopConf);
            writeText(new Path(outDir, TABLES_MD), tables.stream().map(ReportTable::toMarkdownSection)
                    .collect(Collectors.joining("\n")), hadoopConf);
            writeCsv(mainTableCsv(paperTables), new Path(outDir, TABLE_CSV), hadoopConf);
            writeCsv(variantsCsv(comparisons), new Path(outDir, VARIANTS_CSV), hadoopConf);
            Path plotsDir = new Path(outDir, PLOTS_DIR);
            plotsDir.getFileSystem(hadoopConf).delete(plotsDir, true);
            for (Html.Figure figure : figures) {
                AtomicHadoopFile.write(new Path(plotsDir, figure.fileName()), figure.png(), hadoopConf,
                        WriteMode.OVERWRITE);
            }
            writeText(new Path(outDir, REPORT_HTML), Html.report(result.runCount(), tables, figures, skipped),
                    hadoopConf);
            return result;
        } finally {
            records.unpersist();
        }
    }

    /** Null for a record to aggregate, else why not; the first failing check wins. */
    private static Column skipReason() {
        Column missingFields = concat_ws(", ", REQUIRED.stream()
                .map(field -> when(col(field).isNull(), lit(field)))
                .toArray(Column[]::new));
        return when(col(RecordSchema.CORRUPT_RECORD).isNotNull(),
                lit("malformed JSON (not parseable, or a value of the wrong type)"))
                .when(col("status").notEqual(lit(RunStatus.COMPLETED.jsonName())),
                        concat(lit("status is '"), col("status"), lit("'"),
                                when(col("error").isNotNull(), concat(lit(": "), col("error"))).otherwise(lit(""))))
                .when(col("schemaVersion").notEqual(lit(RunRecord.SCHEMA_VERSION)),
                        concat(lit("unsupported schemaVersion "), col("schemaVersion").cast("string"),
                                lit(" (expected " + RunRecord.SCHEMA_VERSION + ")")))
                .when(length(missingFields).gt(0), concat(lit("missing required field(s): "), missingFields))
                .when(not(col("finalTop1").between(0.0, 1.0)),
                        concat(lit("finalTop1 "), col("finalTop1").cast("string"),
                                lit(" is not a fraction in [0, 1]")));
    }

    /**
     * Skips all but the first file (by name) of a run that is in several files, e.g. in a copy of a results
     * directory, since it would otherwise count twice in the means.
     */
    private static Dataset<Row> withoutDuplicateRuns(Dataset<Row> records) {
        WindowSpec sameValidRun = Window.partitionBy(col("runId"), col(SKIP_REASON).isNull()).orderBy(col(FILE));
        Column duplicate = col(SKIP_REASON).isNull().and(row_number().over(sameValidRun).gt(1));
        return records.withColumn(SKIP_REASON, when(duplicate, concat(lit("duplicate runId '"), col("runId"),
                        lit("', aggregated from "), first(col(FILE)).over(sameValidRun)))
                .otherwise(col(SKIP_REASON)));
    }

    /**
     * The files with a skip reason, plus those that hold no record at all (e.g. empty), which Spark yields no row for.
     */
    private static List<SkippedFile> skippedFiles(Dataset<Row> records, String[] recordFiles) {
        List<Row> fileReasons = records.select(FILE, SKIP_REASON).collectAsList();
        Set<URI> withRecord = fileReasons.stream().map(row -> fileUri(row.getString(0))).collect(Collectors.toSet());
        List<SkippedFile> skipped = new ArrayList<>();
        fileReasons.stream().filter(row -> !row.isNullAt(1))
                .forEach(row -> skipped.add(new SkippedFile(row.getString(0), row.getString(1))));
        Stream.of(recordFiles)
                .filter(file -> !withRecord.contains(fileUri(file)))
                .forEach(file -> skipped.add(new SkippedFile(file, "no JSON record in the file")));
        skipped.sort(Comparator.comparing(SkippedFile::file));
        return skipped;
    }

    // input_file_name() gives URL-encoded URIs, Dataset.inputFiles() Hadoop path strings: compare them as URIs
    private static URI fileUri(String file) {
        return new Path(URI.create(file)).toUri();
    }


    /**
     * The record's {@code defaultPlacement}; for records that predate it, the SE paper's default (the standard
     * position in all stages).
     */
    private static Column defaultPlacement() {
        return coalesce(col(DEFAULT_PLACEMENT), col("position").equalTo(lit(VariantStats.STANDARD_POSITION))
                .and(col(STAGES).equalTo(lit(VariantStats.ALL_STAGES))));
    }

    /**
     * Per variant, the seeds' final top-1 and top-5 in percent (mean, sample std, values), mean parameters and
     * throughput. Plain runs are pooled per backbone: without a module their position and stages mean nothing.
     */
    private static List<VariantStats> variantStats(Dataset<Row> runs) {
        Column top1 = col("finalTop1").multiply(100.0);
        Column top5 = col("finalTop5").multiply(100.0);
        Column[] aggregates = {stddev_samp(top1).as("top1Std"), collect_list(top1).as("top1Values"),
                avg(top5).as("top5Mean"), stddev_samp(top5).as("top5Std"), collect_list(top5).as("top5Values"),
                avg(col("parameterCount")).as("parameters"), avg(col("imagesPerSecond")).as("imagesPerSecond"),
                max(col(DEFAULT_PLACEMENT)).as(DEFAULT_PLACEMENT)};
        Column plain = col("attention").equalTo(lit(RunRecord.NO_ATTENTION));
        Dataset<Row> withAttention = runs.where(not(plain))
                .groupBy(VARIANT_KEY.stream().map(name -> col(name)).toArray(Column[]::new))
                .agg(avg(top1).as("top1Mean"), aggregates);
        Dataset<Row> plainPooled = runs.where(plain).groupBy("backbone")
                .agg(avg(top1).as("top1Mean"), aggregates)
                .withColumn("attention", lit(RunRecord.NO_ATTENTION))
                .withColumn("position", lit(VariantStats.STANDARD_POSITION))
                .withColumn(STAGES, lit(VariantStats.ALL_STAGES))
                .withColumn(DEFAULT_PLACEMENT, lit(true));
        return withAttention.unionByName(plainPooled).collectAsList().stream()
                .map(row -> new VariantStats(row.getAs("backbone"), row.getAs("attention"), row.getAs("position"),
                        row.getAs(STAGES), row.<Boolean>getAs(DEFAULT_PLACEMENT),
                        new Summary(row.getAs("top1Mean"), row.getAs("top1Std"), row.getList(row.fieldIndex("top1Values"))),
                        new Summary(row.getAs("top5Mean"), row.getAs("top5Std"), row.getList(row.fieldIndex("top5Values"))),
                        row.<Double>getAs("parameters"), row.<Double>getAs("imagesPerSecond")))
                .sorted(PaperTables.VARIANT_ORDER)
                .toList();
    }

    /** Each variant against the plain runs of its backbone. */
    private static List<Comparison> comparisons(List<VariantStats> variants) {
        Map<String, VariantStats> plainByBackbone = new LinkedHashMap<>();
        variants.stream().filter(VariantStats::plain).forEach(v -> plainByBackbone.put(v.backbone(), v));
        return variants.stream().map(v -> new Comparison(v, plainByBackbone.get(v.backbone()))).toList();
    }

    /** Per variant (plain pooled as in the tables), the mean over seeds of top-1 and loss per epoch. */
    private static List<Curve> curves(Dataset<Row> epochs, List<Comparison> comparisons) {
        Column plain = col("attention").equalTo(lit(RunRecord.NO_ATTENTION));
        List<Row> points = epochs
                .withColumn("position", when(plain, lit(VariantStats.STANDARD_POSITION)).otherwise(col("position")))
                .withColumn(STAGES, when(plain, lit(VariantStats.ALL_STAGES)).otherwise(col(STAGES)))
                .groupBy(Stream.concat(VARIANT_KEY.stream(), Stream.of("epoch")).map(name -> col(name))
                        .toArray(Column[]::new))
                .agg(avg(col("top1").multiply(100.0)).as("top1"), avg(col("trainLoss")).as("trainLoss"))
                .orderBy("epoch")
                .collectAsList();
        Map<List<String>, List<CurvePoint>> byVariant = new LinkedHashMap<>();
        for (Row row : points) {
            byVariant.computeIfAbsent(VARIANT_KEY.stream().map(name -> row.<String>getAs(name)).toList(),
                            key -> new ArrayList<>())
                    .add(new CurvePoint(row.getAs("epoch"), row.getAs("top1"), row.getAs("trainLoss")));
        }
        return comparisons.stream().map(Comparison::variant)
                .filter(v -> byVariant.containsKey(List.of(v.backbone(), v.attention(), v.position(), v.stages())))
                .map(v -> new Curve(v.label(),
                        byVariant.get(List.of(v.backbone(), v.attention(), v.position(), v.stages()))))
                .toList();
    }

    private static List<Html.Figure> figures(PaperTables tables, List<Comparison> comparisons, List<Curve> curves) {
        List<VariantStats> mainVariants = new ArrayList<>();
        for (String backbone : tables.backbones()) {
            for (String attention : tables.attentions()) {
                tables.mainComparison(backbone, attention).ifPresent(c -> mainVariants.add(c.variant()));
            }
        }
        List<VariantStats> all = comparisons.stream().map(Comparison::variant).toList();
        List<Html.Figure> figures = new ArrayList<>(List.of(
                new Html.Figure(TOP1_VS_PARAMETERS_PNG, "Final top-1 against parameter count, one series per "
                        + "attention, one point per backbone", Charts.top1VsParameters(mainVariants)),
                new Html.Figure(TOP1_VS_THROUGHPUT_PNG, "Final top-1 against training images/s for every variant, "
                        + "with the Pareto front", Charts.top1VsThroughput(all))));
        if (!curves.isEmpty()) {
            figures.add(new Html.Figure(TRAINING_CURVES_PNG, "Validation top-1 and training loss per epoch, mean "
                    + "over seeds per variant", Charts.trainingCurves(curves)));
        }
        return figures;
    }

    /**
     * The main top-1 table with numbers: backbone, then per attention its mean, {@code _std}, {@code _n} and, except
     * for plain, {@code _delta} and {@code _p}; empty where there is nothing.
     */
    private Dataset<Row> mainTableCsv(PaperTables tables) {
        List<String> attentions = tables.attentions();
        StructType schema = new StructType().add("backbone", DataTypes.StringType);
        for (String attention : attentions) {
            String title = AggregateResult.columnTitle(attention);
            schema = schema.add(title, DataTypes.StringType).add(title + "_std", DataTypes.StringType)
                    .add(title + "_n", DataTypes.StringType);
            if (!RunRecord.NO_ATTENTION.equals(attention)) {
                schema = schema.add(title + "_delta", DataTypes.StringType).add(title + "_p", DataTypes.StringType);
            }
        }
        List<Row> rows = new ArrayList<>();
        for (TableRow row : tables.rows(Metric.TOP1)) {
            List<Object> values = new ArrayList<>(List.of(row.backbone()));
            for (String attention : attentions) {
                Cell cell = row.cell(attention).orElse(null);
                values.add(cell == null ? null : number("%.2f", cell.meanPercent()));
                values.add(cell == null ? null : number("%.2f", cell.stdPercent()));
                values.add(cell == null ? null : Long.toString(cell.runs()));
                if (!RunRecord.NO_ATTENTION.equals(attention)) {
                    values.add(cell == null ? null : number("%+.2f", cell.deltaPercent()));
                    values.add(cell == null ? null : number("%.4f", cell.pValue()));
                }
            }
            rows.add(RowFactory.create(values.toArray()));
        }
        return spark.createDataFrame(rows, schema);
    }

    /** One row per variant, every statistic as a plain number; empty where not defined. */
    private Dataset<Row> variantsCsv(List<Comparison> comparisons) {
        Map<String, DataType> columns = new LinkedHashMap<>();
        VARIANT_KEY.forEach(name -> columns.put(name, DataTypes.StringType));
        columns.put("runs", DataTypes.LongType);
        for (Metric metric : Metric.values()) {
            String name = metric.name().toLowerCase(Locale.ROOT);
            Stream.of("_mean", "_std", "_delta", "_p").forEach(suffix -> columns.put(name + suffix,
                    DataTypes.DoubleType));
        }
        Stream.of("parameters", "parameter_overhead_percent", "images_per_second", "throughput_ratio")
                .forEach(name -> columns.put(name, DataTypes.DoubleType));
        StructType schema = new StructType();
        for (Map.Entry<String, DataType> column : columns.entrySet()) {
            schema = schema.add(column.getKey(), column.getValue());
        }
        List<Row> rows = new ArrayList<>();
        for (Comparison c : comparisons) {
            VariantStats v = c.variant();
            List<Object> values = new ArrayList<>(List.of(v.backbone(), v.attention(), v.position(), v.stages(),
                    v.runs()));
            for (Metric metric : Metric.values()) {
                values.add(metric.of(v).mean());
                values.add(metric.of(v).std());
                values.add(c.delta(metric));
                values.add(c.pValue(metric));
            }
            values.add(v.parameters());
            values.add(c.parameterOverheadPercent());
            values.add(v.imagesPerSecond());
            values.add(c.throughputRatio());
            rows.add(RowFactory.create(values.toArray()));
        }
        return spark.createDataFrame(rows, schema);
    }

    private static String number(String format, Double value) {
        return value == null ? null : String.format(Locale.ROOT, format, value);
    }

    private static void writeText(Path target, String text, Configuration hadoopConf) throws IOException {
        AtomicHadoopFile.write(target, text.getBytes(StandardCharsets.UTF_8), hadoopConf, WriteMode.OVERWRITE);
    }

    /** A small table as one CSV file with a header (Spark writes a directory of parts; this renames the one part). */
    private static void writeCsv(Dataset<Row> table, Path target, Configuration hadoopConf) throws IOException {
        Path partsDir = new Path(target.getParent(), "." + target.getName() + ".parts");
        table.coalesce(1).write().mode(SaveMode.Overwrite).option("header", true).csv(partsDir.toString());
        FileSystem fs = partsDir.getFileSystem(hadoopConf);
        FileStatus[] parts = fs.globStatus(new Path(partsDir, "part-*.csv"));
        if (parts == null || parts.length != 1) {
            throw new IOException("Expected one CSV part file in " + partsDir + ", found "
                    + (parts == null ? 0 : parts.length));
        }
        Path qualifiedTarget = fs.makeQualified(target);
        FileContext.getFileContext(qualifiedTarget.toUri(), hadoopConf)
                .rename(parts[0].getPath(), qualifiedTarget, Options.Rename.OVERWRITE);
        fs.delete(partsDir, true);
    }

    private static Dataset<Row> epochs(Dataset<Row> valid) {
        return valid.select(col("runId"), col("backbone"), col("attention"), col("position"), col(STAGES),
                        col("seed"), explode(col("epochs")).as("e"))
                .select(col("runId"), col("backbone"), col("attention"), col("position"), col(STAGES), col("seed"),
                        col("e.epoch").as("epoch"), col("e.trainLoss").as("trainLoss"), col("e.top1").as("top1"),
                        col("e.top5").as("top5"), col("e.imagesPerSecond").as("imagesPerSecond"));
    }
}
