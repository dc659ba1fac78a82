package io.attnspark.cli;

import io.attnspark.bench.TextTable;
import io.attnspark.train.RunListing;
import org.apache.hadoop.conf.Configuration;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code attnspark runs}: the runs recorded under a results folder and the ones that can be resumed. */
@Command(name = "runs", mixinStandardHelpOptions = true,
        header = "List runs: records, checkpoints and how to resume them.",
        description = {"One row per run: the result records under RESULTS_DIR and the checkpoints under "
                + "WORK/checkpoints/ (any Hadoop URI). A checkpointed run without a completed record is listed as "
                + "interrupted (or failed), with the command that resumes it."},
        footer = {"", "Example:", "  attnspark runs results --work work"})
final class RunsCommand implements Callable<Integer> {

    @Parameters(paramLabel = "RESULTS_DIR", arity = "0..1", description = "result records (default: ${DEFAULT-VALUE})")
    String results = "results";

    @Option(names = "--work", paramLabel = "URI", description = "the runs' workDir, with checkpoints/ (default: ${DEFAULT-VALUE})")
    String work = "work";

    @Override
    public Integer call() throws Exception {
        var listing = RunListing.list(results, work, new Configuration());
        if (listing.rows().isEmpty()) {
            System.out.println("no runs in " + results + " or " + work + "/checkpoints");
        } else {
            List<String[]> table = new ArrayList<>();
            table.add(new String[]{"run", "backbone", "attention", "settings", "epochs", "top-1", "status"});
            for (var row : listing.rows()) {
                table.add(new String[]{row.runId(), row.backbone(), row.attention(), row.summary(),
                        row.epochsDone() + "/" + row.epochsPlanned(),
                        row.top1() == null ? "-" : String.format("%.2f%%", 100 * row.top1()), row.status()});
            }
            System.out.print(TextTable.render(table, 1, 2, 3, 6));
            for (var row : listing.rows()) {
                if (row.resume() != null) {
                    System.out.println("resume " + row.runId() + ":\n  " + row.resume());
                }
            }
        }
        if (!listing.unreadable().isEmpty()) {
            System.out.println(listing.unreadable().size() + " file(s) in " + results + " are not result records: "
                    + String.join(", ", listing.unreadable()));
        }
        return 0;
    }
}
