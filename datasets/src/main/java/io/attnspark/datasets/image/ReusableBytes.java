package io.attnspark.datasets.image;

/**
 * A byte array per thread that grows to the largest size asked of it and is then reused: the decode and transform
 * steps copy every image's pixels, and a new array per image (150-560 KB) kept the GC busy.
 */
final class ReusableBytes {

    private final ThreadLocal<byte[]> bytes = ThreadLocal.withInitial(() -> new byte[0]);

    /** This thread's array, at least {@code size} long; its contents are whatever the thread left in it. */
    byte[] atLeast(int size) {
        byte[] array = bytes.get();
        if (array.length < size) {
            array = new byte[size];
            bytes.set(array);
        }
        return array;
    }
}
