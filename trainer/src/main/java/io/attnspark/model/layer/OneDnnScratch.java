package io.attnspark.model.layer;

import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.Pointer;

/**
 * One thread's native memory for the reordered (blocked) copies that oneDNN's convolutions read and write, reused by
 * every call on that thread and grown to the largest call. Not in DL4J's working-memory workspaces: those learn their
 * size over several iterations and reallocate as they grow, and the reallocations of the layer workspaces they pushed
 * peaked the process at 4.4 GB instead of 2.9 GB in some ResNet-50 runs (batch 16).
 */
final class OneDnnScratch {

    private static final ThreadLocal<OneDnnScratch> OF_THREAD = ThreadLocal.withInitial(OneDnnScratch::new);
    /** oneDNN's kernels want 64-byte aligned buffers (one AVX-512 register). */
    private static final long ALIGNMENT = 64;

    private BytePointer buffer;
    private long capacity;
    private long used;

    private OneDnnScratch() { }

    /** This thread's scratch, emptied, with room for {@code bytes} (as counted by {@link #aligned}). */
    static OneDnnScratch forCall(long bytes) {
        OneDnnScratch scratch = OF_THREAD.get();
        scratch.reserve(bytes);
        return scratch;
    }

    static long aligned(long bytes) {
        return (bytes + ALIGNMENT - 1) / ALIGNMENT * ALIGNMENT;
    }

    private void reserve(long bytes) {
        if (bytes > capacity) {
            if (buffer != null) {
                buffer.close();
            }
            buffer = new BytePointer(bytes + ALIGNMENT);
            capacity = bytes;
        }
        used = 0;
    }

    /** The next {@code bytes} of this call's room. */
    Pointer take(long bytes) {
        long start = aligned(buffer.address()) + used;
        used += aligned(bytes);
        if (used > capacity) {
            throw new IllegalStateException("oneDNN scratch: " + used + " bytes taken of " + capacity + " reserved");
        }
        return new Pointer() {
            {
                address = start;
            }
        };
    }
}
