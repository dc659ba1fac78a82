package io.attnspark.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import org.bytedeco.javacpp.Pointer;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Peak memory seen at the samples: JVM heap in use; ND4J's off-heap memory, as JavaCPP tracks it
 * ({@link Pointer#totalBytes()}: buffers outside workspaces) plus the sampling thread's workspaces (where DL4J keeps
 * activations and gradients while training); and the process's resident set, {@link Pointer#physicalBytes()}, with how
 * much of it was file-backed at its peak (Linux's {@code RssFile}: mapped native libraries and jars, such as the 357 MiB
 * libnd4jcpu.so), the rest being anonymous memory: heap, ND4J's buffers and whatever native code allocated itself.
 */
public final class MemoryPeaks {

    private final MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
    private long heapBytes;
    private long offHeapBytes;
    private long workspaceBytesAtPeak;
    private long physicalBytes;
    private long fileBytesAtPeak = -1;

    public void sample() {
        heapBytes = Math.max(heapBytes, memory.getHeapMemoryUsage().getUsed());
        long workspaces = Nd4j.getWorkspaceManager().getAllWorkspacesForCurrentThread().stream()
                .mapToLong(MemoryWorkspace::getCurrentSize).sum();
        long offHeap = Pointer.totalBytes() + workspaces;
        if (offHeap > offHeapBytes) {
            offHeapBytes = offHeap;
            workspaceBytesAtPeak = workspaces;
        }
        long physical = Pointer.physicalBytes();
        if (physical > physicalBytes) {
            physicalBytes = physical;
            fileBytesAtPeak = residentFileBytes();
        }
    }

    /** {@code RssFile} of /proc/self/status in bytes, or -1 where there is none. */
    private static long residentFileBytes() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("RssFile:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
                }
            }
        } catch (IOException | NumberFormatException e) {
            return -1;
        }
        return -1;
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
        String peak = String.format(java.util.Locale.ROOT,
                "peak memory: heap %.0f MiB, ND4J off-heap %.0f MiB (%.0f MiB in workspaces), process RSS %.0f MiB",
                heapBytes / 1048576.0, offHeapBytes / 1048576.0, workspaceBytesAtPeak / 1048576.0, physicalBytes / 1048576.0);
        return fileBytesAtPeak < 0 ? peak
                : peak + String.format(java.util.Locale.ROOT, " (%.0f MiB of it file-backed: mapped libraries and jars)",
                fileBytesAtPeak / 1048576.0);
    }
}
