package io.attnspark.cli;

import io.attnspark.results.AggregateResult;
import io.attnspark.results.Aggregator;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.util.List;
import java.util.concurrent.Callable;

@Command(name = "aggregate", mixinStandardHelpOptions = true,
        description = {"Compare runs: read every result record under RESULTS_DIR with Spark SQL and print a",
                "paper-style table per experiment: backbones as rows, attention variants as columns, top-1 mean ±",
                "std over distinct seeds, the change against plain with its 95% CI (paired t over shared seeds,",
                "else Welch's), and † where that change is not significant.",
                "Also writes tables.md (top-5, cost against plain, ablations by position and stage), table.md,",
                "table.csv, variants.csv, a self-contained report.html with the plots embedded, plots/*.png,",
                "runs.parquet and epochs.parquet. Malformed records are reported and skipped.",
                "Runs that differ in anything but the seed and the compared axes (backbone, attention and its",
                "options, position, stages) are separate experiments, each with its own tables.",
                "Example: attnspark aggregate results --axis recipe.lr"})
final class AggregateCommand implements Callable<Integer> {

    @Parameters(paramLabel = "RESULTS_DIR", description = "directory or Hadoop URI holding result records (*.json)")
    String results;

    @Option(names = "--out", paramLabel = "URI", description = "output directory (default: RESULTS_DIR/aggregate)")
    String out;

    @Option(names = "--plots", negatable = true, defaultValue = "true", fallbackValue = "true",
            description = "draw the PNG plots and embed them in report.html (default: ${DEFAULT-VALUE}; --no-plots to skip)")
    boolean plots;

    @Option(names = "--axis", paramLabel = "KEY", description = {"a config setting to show as a table axis "
            + "instead of splitting experiments by it, e.g. recipe.lr (repeatable)"})
    List<String> axes = List.of();

    @Override
    public Integer call() throws Exception {
        try (var spark = LocalSpark.session("attnspark aggregate")) {
            AggregateResult result = aggregate(spark, results, out, plots, axes);
            System.out.println(result.render());
            if (result.runCount() == 0) {
                System.err.println("aggregate: no completed run record in " + results + " (every file was skipped, "
                        + "see above)");
                return 1;
            }
        }
        return 0;
    }

    /** With plots and no axes; {@code out} null for the default output directory. */
    static String aggregate(SparkSession spark, String results, String out) throws java.io.IOException {
        return aggregate(spark, results, out, true, List.of()).render();
    }

    static AggregateResult aggregate(SparkSession spark, String results, String out, boolean plots,
                                     List<String> axes) throws java.io.IOException {
        var aggregator = new Aggregator(spark, plots, axes);
        return out == null ? aggregator.aggregate(results) : aggregator.aggregate(results, out);
    }
}
