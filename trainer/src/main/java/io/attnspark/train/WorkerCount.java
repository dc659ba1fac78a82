package io.attnspark.train;

import io.attnspark.train.config.SparkConfig;
import java.io.PrintStream;
import java.util.concurrent.TimeUnit;
import org.apache.spark.api.java.JavaSparkContext;

/** How many workers a run trains with: the configured number, else one per task slot of the cluster. */
final class WorkerCount {

    private WorkerCount() { }

    /**
     * @param configured {@code spark.workers}, or null to derive it: {@code local[N]} gives N, a cluster its executors'
     *                   cores (once they have registered) over {@code spark.task.cpus}
     * @param out        where a warning goes when executors keep registering
     */
    static int of(JavaSparkContext sc, Integer configured, PrintStream out) {
        if (configured != null) {
            return configured;
        }
        int local = SparkConfig.localThreads(sc.master(), Runtime.getRuntime().availableProcessors());
        if (local > 0) {
            return local;
        }
        awaitExecutors(sc, out);
        int taskCpus = sc.getConf().getInt("spark.task.cpus", 1);
        return Math.max(1, sc.defaultParallelism() / taskCpus);
    }

    /** Executors register after the context starts; wait until their number holds still (or a minute passes). */
    private static void awaitExecutors(JavaSparkContext sc, PrintStream out) {
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(1);
        int seen = -1;
        long stableSince = System.nanoTime();
        while (System.nanoTime() < deadline) {
            int executors = sc.sc().statusTracker().getExecutorInfos().length - 1;
            if (executors != seen) {
                seen = executors;
                stableSince = System.nanoTime();
            } else if (executors > 0 && System.nanoTime() - stableSince > TimeUnit.SECONDS.toNanos(3)) {
                return;
            }
            try {
                Thread.sleep(250);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
        out.println("executors still registering after a minute; set spark.workers to fix the number of workers");
    }
}
