package io.attnspark.sweep;

import io.attnspark.train.SparkSetup;
import io.attnspark.train.config.TrainConfig;
import org.apache.hadoop.conf.Configuration;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.UnaryOperator;

/**
 * Runs the points of a plan that no completed record covers yet, at most {@code concurrency} at once, each retried up
 * to {@code retries} times, and keeps the sweep index up to date.
 */
public final class Sweep {

    private final SweepPlan plan;
    private final PointRunner runner;
    private final Configuration hadoop;
    private final PrintStream out;
    private final List<PointState> states = new ArrayList<>();
    private final String results;

    public Sweep(SweepPlan plan, PointRunner runner, Configuration hadoop, PrintStream out) {
        this.plan = plan;
        this.runner = runner;
        this.hadoop = hadoop;
        this.out = out;
        this.results = resultsDir(plan);
    }

    /** The runner a plan's master calls for: in this JVM for local masters, spark-submit otherwise. */
    public static PointRunner runnerFor(SweepPlan plan, PrintStream out, Configuration hadoop) throws IOException {
        return isLocal(plan) ? new InProcessRunner(out) : LauncherRunner.create(plan.spec(), resultsDir(plan), hadoop);
    }

    /** Local points share this JVM, where only one SparkContext can live: they run one after another. */
    static boolean isLocal(SweepPlan plan) {
        String master = plan.configs().get(0).spark().master();
        return (master == null ? SparkSetup.DEFAULT_MASTER : master).startsWith("local");
    }

    static String resultsDir(SweepPlan plan) {
        var dirs = plan.configs().stream().map(TrainConfig::results).distinct().toList();
        if (dirs.size() != 1) {
            throw new IllegalArgumentException("the points write records to different directories " + dirs
                    + "; set results in the sweep spec, not in the grid");
        }
        return dirs.get(0);
    }

    /** The index as it stands before running: completed where a record says so, else pending. */
    public static SweepIndex status(SweepPlan plan, Configuration hadoop) throws IOException {
        String results = resultsDir(plan);
        var finished = FinishedRuns.in(results, hadoop);
        var list = new ArrayList<PointState>();
        for (int i = 0; i < plan.points().size(); i++) {
            var state = PointState.pending(plan.points().get(i));
            var runId = finished.runIdOf(plan.configs().get(i));
            list.add(runId.map(state::completed).orElse(state));
        }
        return index(plan, results, list);
    }

    /** Runs what is left; returns the final index. Points that fail every attempt are marked failed, not thrown. */
    public SweepIndex run() throws IOException, InterruptedException {
        int concurrency = plan.spec().concurrency();
        if (concurrency > 1 && isLocal(plan)) {
            throw new IllegalArgumentException("concurrency: " + concurrency + " needs a cluster master; points on a local"
                    + " master run one after another in this JVM, so set concurrency: 1 or master: spark://HOST:PORT");
        }
        states.addAll(status(plan, hadoop).points());
        long skipped = states.stream().filter(s -> s.status() == PointStatus.COMPLETED).count();
        out.printf("sweep %s: %d points, %d already completed, %d to run%n", plan.spec().name(), states.size(), skipped,
                states.size() - skipped);
        save();
        var pool = Executors.newFixedThreadPool(concurrency);
        try {
            var futures = new ArrayList<Future<?>>();
            for (int i = 0; i < states.size(); i++) {
                if (states.get(i).status() != PointStatus.COMPLETED) {
                    int at = i;
                    futures.add(pool.submit(() -> {
                        runPoint(at);
                        return null;
                    }));
                }
            }
            for (var future : futures) {
                future.get();
            }
        } catch (ExecutionException e) {
            // only writing the index can fail a point's task: the runner's own failures are caught per point
            if (e.getCause() instanceof UncheckedIOException io) {
                throw io.getCause();
            }
            throw new IllegalStateException(e.getCause());
        } finally {
            pool.shutdownNow();
        }
        var index = snapshot();
        out.printf("sweep %s: %d completed, %d failed; index %s%n", plan.spec().name(), index.count(PointStatus.COMPLETED),
                index.count(PointStatus.FAILED), SweepIndex.file(results, plan.spec().name()));
        return index;
    }

    private void runPoint(int at) {
        SweepPoint point = plan.points().get(at);
        TrainConfig config = plan.configs().get(at);
        int attempts = plan.spec().retries() + 1;
        for (int attempt = 1; attempt <= attempts; attempt++) {
            update(at, PointState::running);
            out.printf("point %d/%d [%s] attempt %d/%d: %s%n", point.index(), states.size(), point.id(), attempt, attempts,
                    point.describe());
            try {
                String runId = runner.run(point, config, attempt);
                update(at, state -> state.completed(runId));
                out.printf("point %d [%s] completed: %s%n", point.index(), point.id(), runId);
                return;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                update(at, state -> state.failed("interrupted", true));
                return;
            } catch (Exception e) {
                String why = e.getClass().getSimpleName() + ": " + e.getMessage();
                boolean last = attempt == attempts;
                update(at, state -> state.failed(why, last));
                out.printf("point %d [%s] attempt %d failed%s: %s%n", point.index(), point.id(), attempt,
                        last ? " (no retries left)" : ", retrying", why);
            }
        }
    }

    /** Points run on several threads; every change of the shared states goes through here. */
    private synchronized void update(int at, UnaryOperator<PointState> change) {
        states.set(at, change.apply(states.get(at)));
        save();
    }

    private synchronized void save() {
        try {
            snapshot().write(hadoop);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the sweep index under " + results, e);
        }
    }

    private synchronized SweepIndex snapshot() {
        return index(plan, results, states);
    }

    private static SweepIndex index(SweepPlan plan, String results, List<PointState> list) {
        return new SweepIndex(plan.spec().name(), results, Instant.now().toString(), list);
    }
}
