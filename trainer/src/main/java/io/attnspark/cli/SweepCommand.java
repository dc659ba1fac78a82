package io.attnspark.cli;

import io.attnspark.sweep.PointStatus;
import io.attnspark.sweep.Sweep;
import io.attnspark.sweep.SweepIndex;
import io.attnspark.sweep.SweepPlan;
import io.attnspark.sweep.SweepSpec;
import org.apache.hadoop.conf.Configuration;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Callable;

@Command(name = "sweep", mixinStandardHelpOptions = true,
        header = "Run a grid or random search of training runs.",
        description = {"Run a grid or random search of training runs (backbone x attention x position x hyperparameters "
                + "x seeds). Each point is its own Spark application: in this JVM one after another on a local "
                + "master, through spark-submit on a cluster master. Points with a completed record are skipped, so"
                + " a sweep can be rerun to resume it; the index <results>/_sweep-<name>.json lists every point's "
                + "status. See cluster-config/sweeps/example.yaml."},
        footer = {"", "Examples:",
                "  attnspark sweep cluster-config/sweeps/example.yaml --dry-run",
                "  attnspark sweep cluster-config/sweeps/example.yaml"})
final class SweepCommand implements Callable<Integer> {

    @Parameters(paramLabel = "SPEC.yaml", description = "the sweep spec")
    Path spec;

    @Option(names = "--dry-run", description = "list the points and their status, run nothing")
    boolean dryRun;

    @Override
    public Integer call() throws Exception {
        var plan = SweepPlan.of(SweepSpec.load(spec));
        var hadoop = new Configuration();
        if (dryRun) {
            System.out.print(table(Sweep.status(plan, hadoop)));
            return 0;
        }
        var index = new Sweep(plan, Sweep.runnerFor(plan, System.out, hadoop), hadoop, System.out).run();
        System.out.print(table(index));
        return index.count(PointStatus.FAILED) == 0 ? 0 : 1;
    }

    /** One row per point: number, id, status, run id, and a column per swept key. */
    static String table(SweepIndex index) {
        var keys = new LinkedHashSet<String>();
        index.points().forEach(p -> keys.addAll(p.overrides().keySet()));
        var header = new ArrayList<>(List.of("#", "id", "status", "attempts", "run"));
        header.addAll(keys);
        var rows = new ArrayList<List<String>>();
        rows.add(header);
        for (var point : index.points()) {
            var row = new ArrayList<>(List.of(String.valueOf(point.index()), point.id(), point.status().jsonName(),
                    String.valueOf(point.attempts()), Objects.toString(point.runId(), "-")));
            keys.forEach(key -> row.add(point.overrides().containsKey(key) ? String.valueOf(point.overrides().get(key)) : "-"));
            rows.add(row);
        }
        int[] widths = new int[header.size()];
        rows.forEach(row -> { for (int i = 0; i < row.size(); i++) widths[i] = Math.max(widths[i], row.get(i).length()); });
        var text = new StringBuilder();
        for (var row : rows) {
            var line = new StringBuilder();
            for (int i = 0; i < row.size(); i++) {
                line.append(String.format("%-" + widths[i] + "s", row.get(i))).append(i + 1 < row.size() ? "  " : "");
            }
            text.append(line.toString().stripTrailing()).append('\n');
        }
        return text.append(index.points().size()).append(" points, ").append(index.count(PointStatus.COMPLETED))
                .append(" completed\n").toString();
    }
}
