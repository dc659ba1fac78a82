package io.attnspark.cli;

import io.attnspark.results.Aggregator;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.util.concurrent.Callable;

@Command(name = "aggregate", mixinStandardHelpOptions = true,
        header = "Compare runs: paper-style tables, a report and Parquet.",
        description = {"Compare runs: read every result record under RESULTS_DIR with Spark SQL and print a paper-style "
                + "table: backbones as rows, attention variants as columns, top-1 mean ± std over seeds, the change"
                + " against plain, and † where Welch's t-test finds that change not significant. Also writes "
                + "tables.md (top-5, cost against plain, ablations by position and stage), table.md, table.csv, "
                + "variants.csv, a self-contained report.html with the plots embedded, plots/*.png, runs.parquet "
                + "and epochs.parquet. Malformed records are reported and skipped."},
        footer = {"", "Examples:",
                "  attnspark aggregate results",
                "  attnspark aggregate hdfs:///attnspark/results --out hdfs:///attnspark/report --no-plots"})
final class AggregateCommand implements Callable<Integer> {

    @Parameters(paramLabel = "RESULTS_DIR", description = "directory or Hadoop URI holding result records (*.json)")
    String results;

    @Option(names = "--out", paramLabel = "URI", description = "output directory (default: RESULTS_DIR/aggregate)")
    String out;

    @Option(names = "--plots", negatable = true, defaultValue = "true", fallbackValue = "true",
            description = "draw the PNG plots and embed them in report.html (default: ${DEFAULT-VALUE}; --no-plots to skip)")
    boolean plots;

    @Override
    public Integer call() throws Exception {
        try (var spark = LocalSpark.session("attnspark aggregate")) {
            System.out.println(aggregate(spark, results, out, plots));
        }
        return 0;
    }

    /** With plots; {@code out} null for the default output directory. */
    static String aggregate(SparkSession spark, String results, String out) throws java.io.IOException {
        return aggregate(spark, results, out, true);
    }

    static String aggregate(SparkSession spark, String results, String out, boolean plots) throws java.io.IOException {
        var aggregator = new Aggregator(spark, plots);
        return (out == null ? aggregator.aggregate(results) : aggregator.aggregate(results, out)).render();
    }
}
