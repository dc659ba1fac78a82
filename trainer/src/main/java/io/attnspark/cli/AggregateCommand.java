package io.attnspark.cli;

import io.attnspark.results.Aggregator;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.util.concurrent.Callable;

@Command(name = "aggregate", mixinStandardHelpOptions = true,
        description = {"Compare runs: read every result record under RESULTS_DIR with Spark SQL and print a paper-style table",
                "(backbones as rows, attention variants as columns, top-1 and the delta against plain).",
                "Also writes table.md, table.csv, runs.parquet and epochs.parquet. Malformed records are reported and skipped."})
final class AggregateCommand implements Callable<Integer> {

    @Parameters(paramLabel = "RESULTS_DIR", description = "directory or Hadoop URI holding result records (*.json)")
    String results;

    @Option(names = "--out", paramLabel = "URI", description = "output directory (default: RESULTS_DIR/aggregate)")
    String out;

    @Override
    public Integer call() throws Exception {
        try (var spark = LocalSpark.session("attnspark aggregate")) {
            System.out.println(aggregate(spark, results, out));
        }
        return 0;
    }

    static String aggregate(SparkSession spark, String results, String out) throws java.io.IOException {
        return new Aggregator(spark).aggregate(results, out).render();
    }
}
