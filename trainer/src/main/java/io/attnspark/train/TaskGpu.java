package io.attnspark.train;

import io.attnspark.record.GpuAssignment;
import org.apache.spark.SparkConf;
import org.apache.spark.SparkEnv;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.resource.ResourceInformation;
import org.apache.spark.util.AccumulatorV2;
import org.nd4j.linalg.api.environment.Nd4jEnvironment;
import org.nd4j.linalg.factory.Nd4j;

import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Set;

/**
 * Puts a training task on the GPU that Spark assigned it. With {@code spark.task.resource.gpu.amount} set, Spark hands
 * every task GPU addresses of its executor (reported by the discovery script), different ones to tasks that run at the
 * same time. ND4J's CUDA backend would otherwise run every task on the device its thread started on, which forced one
 * Worker per GPU with {@code CUDA_VISIBLE_DEVICES}. It runs as a narrow step right before DL4J's worker function, in
 * the same task thread, so the device is set before the worker's first ND4J operation (its prefetch thread takes the
 * task thread's device). On CPU it only records the assignment.
 */
final class TaskGpu<T> implements FlatMapFunction<Iterator<T>, T> {
    private static final long serialVersionUID = 1L;

    /** Spark's resource name for GPUs. */
    static final String RESOURCE = "gpu";

    private final Assignments assignments;

    TaskGpu(Assignments assignments) {
        this.assignments = assignments;
    }

    @Override
    public Iterator<T> call(Iterator<T> partition) {
        TaskContext task = TaskContext.get();
        ResourceInformation gpus = task.resourcesJMap().get(RESOURCE);
        if (gpus != null && gpus.addresses().length > 0) {
            // one address per task: checkTaskAmount refuses more
            String address = gpus.addresses()[0];
            if ("CUDA".equals(Nd4j.getExecutioner().getEnvironmentInformation().getProperty(Nd4jEnvironment.BACKEND_KEY))) {
                useDevice(cudaDevice(address));
            }
            assignments.add(new GpuAssignment(SparkEnv.get().executorId(), task.partitionId(), address));
        }
        return partition;
    }

    /**
     * Refuses GPU amounts per task above 1 before Spark starts: a task trains on one device, so the others would idle.
     *
     * @throws IllegalArgumentException naming the key and the fix
     */
    static void checkTaskAmount(SparkConf conf) {
        String key = "spark.task.resource." + RESOURCE + ".amount";
        double amount = conf.getDouble(key, 0);
        if (amount > 1) {
            throw new IllegalArgumentException(key + "=" + conf.get(key) + ": a training task trains on one GPU, so the"
                    + " others would idle; set it to 1, or to a fraction such as 0.5 for tasks that share a GPU");
        }
    }

    /** The CUDA device index that a GPU address of the discovery script stands for. */
    static int cudaDevice(String address) {
        try {
            return Integer.parseInt(address.trim());
        } catch (NumberFormatException e) {
            throw new IllegalStateException("GPU address '" + address + "' is not a CUDA device index: the discovery "
                    + "script must report indices, as cluster-config/gpu/getGpusResources.sh does");
        }
    }

    private static void useDevice(int device) {
        CudaCapability.refusal(Nd4j.getExecutioner().getEnvironmentInformation(), device).ifPresent(refusal -> {
            throw new IllegalStateException(refusal);
        });
        var affinity = Nd4j.getAffinityManager();
        if (affinity.getDeviceForCurrentThread() != device) {
            // Spark reuses task threads: workspaces allocated on this thread's previous device must not serve this one
            Nd4j.getWorkspaceManager().destroyAllWorkspacesForCurrentThread();
            affinity.unsafeSetDevice(device);
        }
    }

    /** Each (executor, partition, GPU) that training tasks used, gathered on the driver. */
    static final class Assignments extends AccumulatorV2<GpuAssignment, List<GpuAssignment>> {
        private static final long serialVersionUID = 1L;

        private final Set<GpuAssignment> seen = new HashSet<>();

        /** Creates one and registers it with the driver's context (named, so the Spark UI and event log show it). */
        static Assignments register(JavaSparkContext sc) {
            var assignments = new Assignments();
            sc.sc().register(assignments, "GPU assignments");
            return assignments;
        }

        @Override
        public synchronized boolean isZero() {
            return seen.isEmpty();
        }

        @Override
        public synchronized Assignments copy() {
            var copy = new Assignments();
            copy.seen.addAll(seen);
            return copy;
        }

        @Override
        public synchronized void reset() {
            seen.clear();
        }

        @Override
        public synchronized void add(GpuAssignment assignment) {
            seen.add(assignment);
        }

        @Override
        public void merge(AccumulatorV2<GpuAssignment, List<GpuAssignment>> other) {
            other.value().forEach(this::add);
        }

        /** In {@link GpuAssignment#ORDER}. */
        @Override
        public synchronized List<GpuAssignment> value() {
            return seen.stream().sorted(GpuAssignment.ORDER).toList();
        }
    }
}
