package io.attnspark.model.layer;

import org.bytedeco.dnnl.IntMemoryMap;
import org.bytedeco.dnnl.engine;
import org.bytedeco.dnnl.memory;
import org.bytedeco.dnnl.primitive;
import org.bytedeco.dnnl.stream;
import org.bytedeco.javacpp.Pointer;
import org.bytedeco.javacpp.PointerScope;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * What the layers that call oneDNN 2.5 (JavaCPP's dnnl preset) share: the CPU engine, each thread's stream, and ND4J
 * arrays seen as oneDNN memory without a copy.
 */
final class OneDnn {

    static final engine ENGINE = new engine(engine.kind.cpu, 0);
    private static final ThreadLocal<stream> STREAM = ThreadLocal.withInitial(() -> new stream(ENGINE));

    private OneDnn() { }

    /** Whether oneDNN can take these arrays: float, in host memory (a CPU backend). */
    static boolean runs(INDArray... arrays) {
        if (!Nd4j.getEnvironment().isCPU()) {
            return false;
        }
        for (INDArray array : arrays) {
            if (array.dataType() != DataType.FLOAT) {
                return false;
            }
        }
        return true;
    }

    /** Float arrays without gaps in host memory: what oneDNN's plain layouts take. */
    static boolean takes(INDArray... arrays) {
        for (INDArray array : arrays) {
            if (!isDense(array)) {
                return false;
            }
        }
        return runs(arrays);
    }

    /** Runs {@code primitive} on this thread's stream and waits for it. */
    static void execute(primitive primitive, IntMemoryMap arguments) {
        stream primitiveStream = stream();
        primitive.execute(primitiveStream, arguments);
        primitiveStream._wait();
    }

    /** This thread's stream; made outside any {@link #callScope}, which would free it. */
    static stream stream() {
        return STREAM.get();
    }

    /**
     * Frees the memory objects and argument maps made during one call. Only those: a scope for every class would also
     * take the native state ND4J makes meanwhile (a thread's first op creates its executioner's argument pointers) and
     * free it under ND4J's feet.
     */
    static PointerScope callScope() {
        return new PointerScope(memory.class, IntMemoryMap.class);
    }

    /** The array's elements as oneDNN memory of {@code layout}; the array must be {@link #isDense dense}. */
    static memory wrap(memory.desc layout, INDArray array) {
        return wrap(layout, array, 0);
    }

    /** {@link #wrap(memory.desc, INDArray)} from the array's element {@code skipped} on. */
    static memory wrap(memory.desc layout, INDArray array, long skipped) {
        long start = array.data().address() + (array.offset() + skipped) * Float.BYTES;
        return new memory(layout, ENGINE, new Pointer() {
            {
                address = start;
            }
        });
    }

    /**
     * C order without gaps, as oneDNN's plain layouts need. Axes of size 1 may have any stride: ND4J gives the
     * gradient view of a 1x1 conv's weights [out, in, 1, 1] strides its own check does not count as C order's.
     */
    static boolean isDense(INDArray array) {
        long[] shape = array.shape();
        long[] strides = array.stride();
        long expected = 1;
        for (int axis = shape.length - 1; axis >= 0; axis--) {
            if (shape[axis] != 1 && strides[axis] != expected) {
                return false;
            }
            expected *= shape[axis];
        }
        return true;
    }

    static memory.desc plain(long[] dims, memory.format_tag format) {
        return new memory.desc(dims, memory.data_type.f32, format);
    }

    /** Float, in the layout the primitive picks. */
    static memory.desc any(long[] dims) {
        return new memory.desc(dims, memory.data_type.f32, memory.format_tag.any);
    }
}
