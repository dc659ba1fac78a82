package io.attnspark.train;

import io.attnspark.train.config.SparkConfig;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.nd4j.nativeblas.NativeOpsHolder;

import java.util.Iterator;

/**
 * Gives a training task as many native (OpenMP) threads as it has cores. Each ND4J operation otherwise runs on every
 * core of the machine, so the two workers of {@code local[2]} on two cores run four threads and fit the demo's recipe
 * 1.45x slower (53 s against 36 s of fitting per epoch). OpenMP's thread count belongs to the calling thread, so this runs
 * as a narrow step in the task thread, right before DL4J's worker function, like {@link TaskGpu}.
 */
final class TaskThreads<T> implements FlatMapFunction<Iterator<T>, T> {
    private static final long serialVersionUID = 1L;

    private final int threads;

    /** @param threads native threads for the task's operations; 0 leaves the executor's default */
    TaskThreads(int threads) {
        this.threads = threads;
    }

    /**
     * Native threads per training task: with a local master the machine's cores shared by the tasks that run at once
     * (the fewer of its slots and the workers); on a cluster {@code spark.task.cpus} where it is set, else 0 (the
     * executor's default: {@code OMP_NUM_THREADS}, e.g. from {@code spark.executorEnv}, or its cores).
     */
    static int perTask(String master, SparkConf conf, int workers, int cores) {
        int slots = SparkConfig.localThreads(master, cores);
        if (slots > 0) {
            return Math.max(1, cores / Math.min(slots, workers));
        }
        return conf.contains("spark.task.cpus") ? conf.getInt("spark.task.cpus", 1) : 0;
    }

    @Override
    public Iterator<T> call(Iterator<T> partition) {
        NativeBackend.singleThreadedBlas();
        if (threads > 0) {
            NativeOpsHolder.getInstance().getDeviceNativeOps().setOmpNumThreads(threads);
        }
        return partition;
    }
}
