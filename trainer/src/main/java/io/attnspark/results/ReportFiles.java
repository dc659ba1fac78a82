package io.attnspark.results;

import io.attnspark.record.AtomicHadoopFile;
import io.attnspark.record.WriteMode;
import io.attnspark.results.Comparison.Metric;
import org.apache.commons.text.StringEscapeUtils;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/** Writes the aggregate's outputs into one directory: Parquet through Spark, every other file atomically. */
final class ReportFiles {

    private final Path outDir;
    private final Configuration hadoopConf;

    ReportFiles(Path outDir, Configuration hadoopConf) {
        this.outDir = outDir;
        this.hadoopConf = hadoopConf;
    }

    void write(AggregateResult result, Dataset<Row> runs, Dataset<Row> epochs, List<Html.Section> sections)
            throws IOException {
        runs.write().mode(SaveMode.Overwrite).parquet(new Path(outDir, Aggregator.RUNS_PARQUET).toString());
        epochs.write().mode(SaveMode.Overwrite).parquet(new Path(outDir, Aggregator.EPOCHS_PARQUET).toString());
        text(Aggregator.TABLE_MD, result.toMarkdown());
        text(Aggregator.TABLES_MD, PaperTables.HOW_TO_READ + "\n\n" + result.experiments().stream()
                .map(e -> "# " + e.heading() + "\n\n" + e.tables().stream().map(ReportTable::toMarkdownSection)
                        .collect(Collectors.joining("\n")))
                .collect(Collectors.joining("\n")));
        text(Aggregator.TABLE_CSV, mainTableCsv(result.experiments()));
        text(Aggregator.VARIANTS_CSV, variantsCsv(result.experiments()));
        Path plotsDir = new Path(outDir, Aggregator.PLOTS_DIR);
        plotsDir.getFileSystem(hadoopConf).delete(plotsDir, true);
        for (Html.Section section : sections) {
            for (Html.Figure figure : section.figures()) {
                AtomicHadoopFile.write(new Path(plotsDir, figure.fileName()), figure.png(), hadoopConf,
                        WriteMode.OVERWRITE);
            }
        }
        text(Aggregator.REPORT_HTML, Html.report(result.runCount(), sections, result.skipped()));
    }

    /**
     * The main top-1 tables with numbers: experiment, row, then per column its mean, {@code _std}, {@code _n} and,
     * except for plain, {@code _delta}, {@code _ci_low}, {@code _ci_high}, {@code _test} and {@code _p}; empty where
     * there is nothing.
     */
    private static String mainTableCsv(List<ExperimentReport> experiments) {
        List<String> columns = experiments.stream().flatMap(e -> e.paperTables().columns().stream()).distinct()
                .sorted((a, b) -> a.equals(AggregateResult.PLAIN) ? -1 : b.equals(AggregateResult.PLAIN) ? 1
                        : a.compareTo(b))
                .toList();
        List<String> header = new ArrayList<>(List.of("experiment", "row"));
        for (String column : columns) {
            header.addAll(List.of(column, column + "_std", column + "_n"));
            if (!AggregateResult.PLAIN.equals(column)) {
                header.addAll(Stream.of("_delta", "_ci_low", "_ci_high", "_test", "_p").map(s -> column + s).toList());
            }
        }
        List<List<String>> rows = new ArrayList<>();
        for (ExperimentReport experiment : experiments) {
            for (TableRow row : experiment.rows()) {
                List<String> values = new ArrayList<>(List.of(experiment.experiment().key(), row.backbone()));
                for (String column : columns) {
                    Cell cell = row.cell(column).orElse(null);
                    values.add(cell == null ? null : number("%.2f", cell.meanPercent()));
                    values.add(cell == null ? null : number("%.2f", cell.stdPercent()));
                    values.add(cell == null ? null : Integer.toString(cell.seeds()));
                    if (!AggregateResult.PLAIN.equals(column)) {
                        DifferenceTest test = cell == null ? null : cell.test();
                        values.add(cell == null ? null : number("%+.2f", cell.deltaPercent()));
                        values.add(test == null ? null : number("%.2f", test.low()));
                        values.add(test == null ? null : number("%.2f", test.high()));
                        values.add(test == null ? null : test.kind().label());
                        values.add(test == null ? null : number("%.4f", test.p()));
                    }
                }
                rows.add(values);
            }
        }
        return csv(header, rows);
    }

    /** One row per variant, every statistic as a plain number; empty where not defined. */
    private static String variantsCsv(List<ExperimentReport> experiments) {
        List<String> header = new ArrayList<>(List.of("experiment", "experiment_summary", "variant", "axis",
                "backbone", "attention", "options", "position", "stages", "default_placement", "seeds", "runs"));
        for (Metric metric : Metric.values()) {
            String name = metric.name().toLowerCase(Locale.ROOT);
            Stream.of("_mean", "_std", "_delta", "_ci_low", "_ci_high", "_test", "_p")
                    .forEach(suffix -> header.add(name + suffix));
        }
        header.addAll(List.of("parameters", "parameter_overhead_percent", "images_per_second", "throughput_ratio",
                "hardware"));
        List<List<String>> rows = new ArrayList<>();
        for (ExperimentReport experiment : experiments) {
            for (Comparison c : experiment.comparisons()) {
                VariantStats v = c.variant();
                List<String> values = new ArrayList<>(Arrays.asList(experiment.experiment().key(),
                        experiment.experiment().summary(), v.label(), v.axis(), v.backbone(), v.attention(),
                        v.options(), v.position(), v.stages(), Boolean.toString(v.defaultPlacement()),
                        Integer.toString(v.seeds()), Long.toString(v.runs())));
                for (Metric metric : Metric.values()) {
                    DifferenceTest test = c.test(metric);
                    values.add(number("%s", metric.of(v).mean()));
                    values.add(number("%s", metric.of(v).std()));
                    values.add(number("%s", c.delta(metric)));
                    values.add(test == null ? null : number("%s", test.low()));
                    values.add(test == null ? null : number("%s", test.high()));
                    values.add(test == null ? null : test.kind().label());
                    values.add(test == null ? null : number("%s", test.p()));
                }
                values.addAll(Arrays.asList(number("%s", v.parameters()), number("%s", c.parameterOverheadPercent()),
                        number("%s", v.imagesPerSecond()), number("%s", c.throughputRatio()), v.hardware()));
                rows.add(values);
            }
        }
        return csv(header, rows);
    }

    private static String csv(List<String> header, List<List<String>> rows) {
        return Stream.concat(Stream.of(header), rows.stream())
                .map(row -> row.stream().map(cell -> cell == null ? "" : StringEscapeUtils.escapeCsv(cell))
                        .collect(Collectors.joining(",")))
                .collect(Collectors.joining("\n", "", "\n"));
    }

    private static String number(String format, Double value) {
        return value == null ? null : String.format(Locale.ROOT, format, value);
    }

    private void text(String name, String content) throws IOException {
        AtomicHadoopFile.write(new Path(outDir, name), content.getBytes(StandardCharsets.UTF_8), hadoopConf,
                WriteMode.OVERWRITE);
    }
}
