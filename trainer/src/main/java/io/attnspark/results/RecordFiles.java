package io.attnspark.results;

import io.attnspark.record.RunRecord;
import io.attnspark.record.RunStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.expressions.WindowSpec;

import java.io.IOException;
import java.net.URI;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.concat;
import static org.apache.spark.sql.functions.concat_ws;
import static org.apache.spark.sql.functions.first;
import static org.apache.spark.sql.functions.get_json_object;
import static org.apache.spark.sql.functions.input_file_name;
import static org.apache.spark.sql.functions.length;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.not;
import static org.apache.spark.sql.functions.row_number;
import static org.apache.spark.sql.functions.when;

/**
 * The record files under a results directory, read with Spark SQL: the valid completed runs, and every other file
 * with the reason it is left out. Unreadable, failed or incomplete records are reported, never fatal; a missing
 * directory, or one without any record file, is a mistake and fails with one line.
 *
 * @param records every record read, with {@link #SKIP_REASON} null for the valid ones; cached until {@link #close}
 * @param skipped files not aggregated, with the reason, ordered by file
 */
record RecordFiles(Dataset<Row> records, List<SkippedFile> skipped) implements AutoCloseable {

    static final String FILE = "file";
    static final String STAGES = "stages";
    static final String DEFAULT_PLACEMENT = "defaultPlacement";
    private static final String SKIP_REASON = "skipReason";
    private static final String CORRUPT = "corrupt";

    /** The columns a record must have to be aggregated. */
    private static final List<String> REQUIRED = List.of("schemaVersion", "status", "epochs", "runId", "backbone",
            "attention", "position", "seed", "finalTop1", "finalTop5", "bestTop1", "parameterCount",
            "imagesPerSecond", "wallTimeSeconds", "workers", "sparkMaster", "config");

    static RecordFiles read(SparkSession spark, String resultsDir) throws IOException {
        Path dir = new Path(resultsDir);
        FileSystem fs = dir.getFileSystem(spark.sparkContext().hadoopConfiguration());
        if (!fs.exists(dir)) {
            throw new IllegalArgumentException("RESULTS_DIR " + resultsDir + " does not exist; give the directory "
                    + "train wrote its records to (its results setting, default: results)");
        }
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
        if (recordFiles.length == 0) {
            throw new IllegalArgumentException("RESULTS_DIR " + resultsDir + " holds no run record (*.json); "
                    + "train writes one per run into its results directory");
        }
        Dataset<Row> records = withoutDuplicateRuns(parsed
                .withColumn(FILE, input_file_name())
                .withColumn(SKIP_REASON, skipReason())
                .withColumn(CORRUPT, col(RecordSchema.CORRUPT_RECORD)))
                // the SE paper's stage ablation; absent, or every stage listed, where the module is everywhere
                .withColumn(STAGES, coalesce(get_json_object(col("config"), "$.model.stages"),
                        lit(VariantStats.ALL_STAGES)))
                .withColumn(STAGES, when(col(STAGES).equalTo(lit(VariantStats.EVERY_STAGE_LISTED)),
                        lit(VariantStats.ALL_STAGES)).otherwise(col(STAGES)))
                .withColumn(DEFAULT_PLACEMENT, defaultPlacement())
                .cache();
        return new RecordFiles(records, skippedFiles(records, recordFiles));
    }

    /** The records to aggregate. */
    Dataset<Row> valid() {
        return records.where(col(SKIP_REASON).isNull());
    }

    @Override
    public void close() {
        records.unpersist();
    }

    /** Null for a record to aggregate, else why not; the first failing check wins. */
    private static Column skipReason() {
        Column missingFields = concat_ws(", ", REQUIRED.stream()
                .map(field -> when(col(field).isNull(), lit(field)))
                .toArray(Column[]::new));
        return when(col(RecordSchema.CORRUPT_RECORD).isNotNull(), lit(CORRUPT))
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
     * The record's {@code defaultPlacement}; for records that predate it, the SE paper's default (the standard
     * position in all stages).
     */
    private static Column defaultPlacement() {
        return coalesce(col(DEFAULT_PLACEMENT), col("position").equalTo(lit(VariantStats.STANDARD_POSITION))
                .and(col(STAGES).equalTo(lit(VariantStats.ALL_STAGES))));
    }

    /**
     * The files with a skip reason (an unreadable one named by its wrong-typed field where it has one), plus those
     * that hold no record at all (e.g. empty), which Spark yields no row for.
     */
    private static List<SkippedFile> skippedFiles(Dataset<Row> records, String[] recordFiles) {
        List<Row> fileReasons = records.select(FILE, SKIP_REASON, CORRUPT).collectAsList();
        Set<URI> withRecord = fileReasons.stream().map(row -> fileUri(row.getString(0))).collect(Collectors.toSet());
        List<SkippedFile> skipped = new ArrayList<>();
        fileReasons.stream().filter(row -> !row.isNullAt(1))
                .forEach(row -> skipped.add(new SkippedFile(row.getString(0),
                        CORRUPT.equals(row.getString(1)) ? FieldTypes.reason(row.getString(2)) : row.getString(1))));
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
}
