package io.attnspark.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import org.bytedeco.javacpp.Pointer;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Peak memory seen at the samples: JVM heap in use; ND4J's off-heap memory, as JavaCPP tracks it
 * ({@link Pointer#totalBytes()}: buffers outside workspaces) plus the sampling thread's workspaces (where DL4J keeps
 * activations and gradients while training); and the process's resident set, {@link Pointer#physicalBytes()}.
 */
public final class MemoryPeaks {

    private final MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
    private long heapBytes;
    private long offHeapBytes;
    private long physicalBytes;

    public void sample() {
        heapBytes = Math.max(heapBytes, memory.getHeapMemoryUsage().getUsed());
        long workspaces = Nd4j.getWorkspaceManager().getAllWorkspacesForCurrentThread().stream()
                .mapToLong(MemoryWorkspace::getCurrentSize).sum();
        offHeapBytes = Math.max(offHeapBytes, Pointer.totalBytes() + workspaces);
        physicalBytes = Math.max(physicalBytes, Pointer.physicalBytes());
    }

    public long heapBytes() {
        return heapBytes;
    }

    public long offHeapBytes() {
        return offHeapBytes;
    }

    public long physicalBytes() {
        return physicalBytes;
    }

    public String describe() {
        return String.format(java.util.Locale.ROOT, "peak memory: heap %.0f MiB, ND4J off-heap %.0f MiB, process RSS %.0f MiB",
                heapBytes / 1048576.0, offHeapBytes / 1048576.0, physicalBytes / 1048576.0);
    }
}
