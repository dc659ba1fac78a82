package io.attnspark.record;

import java.io.Serializable;
import java.util.Comparator;

/**
 * A GPU that Spark gave a training task ({@code spark.task.resource.gpu.amount}), and that the task trained on.
 * Serializable: tasks send their assignments to the driver in an accumulator.
 *
 * @param executor  Spark's executor id
 * @param partition the task's partition: the training worker's index within an averaging round
 * @param gpu       the GPU address from Spark's resource discovery, the CUDA device index on that executor
 */
public record GpuAssignment(String executor, int partition, String gpu) implements Serializable {

    /** Executors in numeric order (Spark numbers them), then partitions, then GPUs. */
    public static final Comparator<GpuAssignment> ORDER = Comparator
            .comparing((GpuAssignment a) -> a.executor().length()).thenComparing(GpuAssignment::executor)
            .thenComparingInt(GpuAssignment::partition).thenComparing(GpuAssignment::gpu);

    public GpuAssignment {
        Checks.nonBlank(executor, "gpuAssignments.executor");
        Checks.nonBlank(gpu, "gpuAssignments.gpu");
        if (partition < 0) {
            throw new IllegalArgumentException("gpuAssignments.partition must be >= 0, got " + partition);
        }
    }
}
