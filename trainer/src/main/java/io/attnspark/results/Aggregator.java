package io.attnspark.results;

import io.attnspark.record.AtomicHadoopFile;
import io.attnspark.record.RunRecord;
import io.attnspark.record.RunStatus;
import io.attnspark.record.WriteMode;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileContext;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Options;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.expressions.WindowSpec;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.apache.spark.sql.functions.avg;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.concat;
import static org.apache.spark.sql.functions.concat_ws;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.explode;
import static org.apache.spark.sql.functions.first;
import static org.apache.spark.sql.functions.format_string;
import static org.apache.spark.sql.functions.input_file_name;
import static org.apache.spark.sql.functions.length;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.not;
import static org.apache.spark.sql.functions.row_number;
import static org.apache.spark.sql.functions.when;

/**
 * Turns a directory of run records into the paper-style comparison table (backbones x attention variants, final
 * top-1) plus Parquet datasets of the runs and their epochs. Unreadable, failed or incomplete records are reported
 * and left out, never fatal.
 */
public final class Aggregator {

    public static final String TABLE_MD = "table.md";
    public static final String TABLE_CSV = "table.csv";
    public static final String RUNS_PARQUET = "runs.parquet";
    public static final String EPOCHS_PARQUET = "epochs.parquet";

    /** The well-known backbones lead the table in this order; any others follow alphabetically. */
    static final List<String> BACKBONE_ORDER = List.of("resnet18", "resnet34", "resnet50", "resnet101");

    static final String FILE = "file";
    private static final String SKIP_REASON = "skipReason";
    private static final String ROW_ORDER = "rowOrder";
    private static final String TOP1_PERCENT = "top1";
    private static final String RUNS = "runs";
    private static final String DELTA = "delta";

    /** The columns of runs.parquet, all of which a record must have to be aggregated. */
    static final List<String> RUN_COLUMNS = List.of("runId", "backbone", "attention", "position", "seed", "finalTop1",
            "finalTop5", "bestTop1", "parameterCount", "imagesPerSecond", "wallTimeSeconds", "workers", "sparkMaster");
    private static final List<String> REQUIRED = Stream.concat(Stream.of("schemaVersion", "status", "epochs"),
            RUN_COLUMNS.stream()).toList();

    private final SparkSession spark;

    /** @param spark the session to read and write with; the aggregator never creates or stops one */
    public Aggregator(SparkSession spark) {
        this.spark = spark;
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
     * @param outDir     directory (any Hadoop URI) for table.md, table.csv, runs.parquet and epochs.parquet; existing
     *                   outputs there are replaced
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
            Dataset<Row> valid = records.where(col(SKIP_REASON).isNull());
            Dataset<Row> runs = valid.select(Stream.concat(RUN_COLUMNS.stream(), Stream.of(FILE))
                    .map(name -> col(name)).toArray(Column[]::new));

            List<String> attentions = attentionColumns(runs);
            Dataset<Row> table = attentions.isEmpty() ? null : table(runs, attentions);
            List<TableRow> rows = table == null ? List.of() : tableRows(table, attentions);
            AggregateResult result = new AggregateResult(attentions, rows, skipped, runs.count(), outDir);

            Configuration hadoopConf = spark.sparkContext().hadoopConfiguration();
            runs.write().mode(SaveMode.Overwrite).parquet(new Path(outDir, RUNS_PARQUET).toString());
            epochs(valid).write().mode(SaveMode.Overwrite).parquet(new Path(outDir, EPOCHS_PARQUET).toString());
            AtomicHadoopFile.write(new Path(outDir, TABLE_MD), result.toMarkdown().getBytes(StandardCharsets.UTF_8),
                    hadoopConf, WriteMode.OVERWRITE);
            writeCsv(table, attentions, new Path(outDir, TABLE_CSV), hadoopConf);
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

    /** {@value RunRecord#NO_ATTENTION} first, then alphabetical. */
    private static List<String> attentionColumns(Dataset<Row> runs) {
        return runs.select("attention").distinct().collectAsList().stream()
                .map(row -> row.getString(0))
                .sorted(Comparator.comparing((String attention) -> !RunRecord.NO_ATTENTION.equals(attention))
                        .thenComparing(Comparator.naturalOrder()))
                .toList();
    }

    /**
     * One row per backbone, in table order, with per attention {@code <attention>_top1} (mean final top-1 in percent),
     * {@code <attention>_runs} and {@code <attention>_delta} (against plain, null without a plain run).
     */
    private static Dataset<Row> table(Dataset<Row> runs, List<String> attentions) {
        Dataset<Row> pivoted = runs.groupBy("backbone")
                .pivot("attention", new ArrayList<Object>(attentions))
                .agg(avg(col("finalTop1").multiply(100.0)).as(TOP1_PERCENT), count(lit(1)).as(RUNS));
        Column plainTop1 = attentions.contains(RunRecord.NO_ATTENTION)
                ? pivoted.col(quoted(pivotColumn(RunRecord.NO_ATTENTION, TOP1_PERCENT)))
                : lit(null).cast("double");
        for (String attention : attentions) {
            pivoted = pivoted.withColumn(pivotColumn(attention, DELTA),
                    pivoted.col(quoted(pivotColumn(attention, TOP1_PERCENT))).minus(plainTop1));
        }
        Column rowOrder = lit(BACKBONE_ORDER.size());
        for (int i = BACKBONE_ORDER.size() - 1; i >= 0; i--) {
            rowOrder = when(col("backbone").equalTo(BACKBONE_ORDER.get(i)), lit(i)).otherwise(rowOrder);
        }
        return pivoted.withColumn(ROW_ORDER, rowOrder).orderBy(col(ROW_ORDER), col("backbone"));
    }

    private static List<TableRow> tableRows(Dataset<Row> table, List<String> attentions) {
        List<TableRow> rows = new ArrayList<>();
        for (Row row : table.collectAsList()) {
            Map<String, Cell> cells = new LinkedHashMap<>();
            for (String attention : attentions) {
                Long runs = row.getAs(pivotColumn(attention, RUNS));
                if (runs != null && runs > 0) {
                    boolean plain = RunRecord.NO_ATTENTION.equals(attention);
                    cells.put(attention, new Cell(row.getAs(pivotColumn(attention, TOP1_PERCENT)),
                            plain ? null : row.getAs(pivotColumn(attention, DELTA)), runs));
                }
            }
            rows.add(new TableRow(row.getAs("backbone"), cells));
        }
        return rows;
    }

    /**
     * The table as CSV, numbers with two decimals: backbone, then per attention its top-1 column and, except for plain,
     * a {@code <attention>_delta} column; empty where there is no run.
     */
    private static void writeCsv(Dataset<Row> table, List<String> attentions, Path target, Configuration hadoopConf)
            throws IOException {
        if (table == null) {
            AtomicHadoopFile.write(target, "backbone\n".getBytes(StandardCharsets.UTF_8), hadoopConf,
                    WriteMode.OVERWRITE);
            return;
        }
        List<Column> columns = new ArrayList<>(List.of(col("backbone")));
        for (String attention : attentions) {
            columns.add(twoDecimals(table, pivotColumn(attention, TOP1_PERCENT), "%.2f")
                    .as(AggregateResult.columnTitle(attention)));
            if (!RunRecord.NO_ATTENTION.equals(attention)) {
                columns.add(twoDecimals(table, pivotColumn(attention, DELTA), "%+.2f").as(attention + "_" + DELTA));
            }
        }
        Dataset<Row> csv = table.select(columns.toArray(Column[]::new));

        // Spark writes a directory of part files: write one part next to the target, then rename it onto the target
        Path partsDir = new Path(target.getParent(), "." + target.getName() + ".parts");
        csv.coalesce(1).write().mode(SaveMode.Overwrite).option("header", true).csv(partsDir.toString());
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

    private static Column twoDecimals(Dataset<Row> table, String column, String format) {
        Column value = table.col(quoted(column));
        return when(value.isNotNull(), format_string(format, value));
    }

    private static Dataset<Row> epochs(Dataset<Row> valid) {
        return valid.select(col("runId"), col("backbone"), col("attention"), explode(col("epochs")).as("e"))
                .select(col("runId"), col("backbone"), col("attention"), col("e.epoch").as("epoch"),
                        col("e.trainLoss").as("trainLoss"), col("e.top1").as("top1"), col("e.top5").as("top5"),
                        col("e.imagesPerSecond").as("imagesPerSecond"));
    }

    /** The name Spark gives the {@code alias} aggregate of the pivot value {@code attention}. */
    private static String pivotColumn(String attention, String alias) {
        return attention + "_" + alias;
    }

    // attention names may hold characters (e.g. '.') that Spark would otherwise parse as a nested-field path
    private static String quoted(String column) {
        return "`" + column.replace("`", "``") + "`";
    }
}
