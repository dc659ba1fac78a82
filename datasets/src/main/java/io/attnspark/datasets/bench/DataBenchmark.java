package io.attnspark.datasets.bench;

import java.io.IOException;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

import org.bytedeco.opencv.opencv_core.Mat;
import org.nd4j.common.loader.FileBatch;
import org.nd4j.common.loader.LocalFileSource;

import io.attnspark.datasets.image.ImageDecodeException;
import io.attnspark.datasets.image.ImageDecoder;
import io.attnspark.datasets.image.ImageTransform;
import io.attnspark.datasets.pack.ImageShardLoader;
import io.attnspark.datasets.pack.ShardEntryName;
import io.attnspark.datasets.pack.ShardZip;

/**
 * Measures the worker-side data pipeline on ImageNet-sized synthetic JPEGs: decode alone, decode + RandomResizedCrop
 * + flip + normalize (the training transform), on one thread and on several, and reading packed shards from local
 * disk (raw zip read, and the full {@link ImageShardLoader} load). Rates are wall-clock over repeated passes.
 */
public final class DataBenchmark {
    private final List<byte[]> images;
    private final int outputSize;

    public DataBenchmark(List<byte[]> images, int outputSize) {
        if (images.isEmpty()) {
            throw new IllegalArgumentException("the benchmark needs at least one image");
        }
        if (outputSize <= 0) {
            throw new IllegalArgumentException("output size must be > 0, got " + outputSize);
        }
        this.images = List.copyOf(images);
        this.outputSize = outputSize;
    }

    /**
     * One measurement. Wall-clock rates depend on what else the machine runs; the rate per CPU-second (this process's
     * CPU time, all threads, GC and JIT included) is what one dedicated core would do.
     *
     * @param bytes encoded input bytes (JPEG or shard) processed
     */
    public record Rate(String name, int threads, long images, double seconds, double cpuSeconds, long bytes) {
        public double imagesPerSecond() {
            return images / seconds;
        }

        /** Images per CPU-second: the per-core rate, robust to other load on the machine. */
        public double imagesPerCpuSecond() {
            return images / cpuSeconds;
        }

        public double megabytesPerSecond() {
            return bytes / seconds / 1e6;
        }

        public double megabytesPerCpuSecond() {
            return bytes / cpuSeconds / 1e6;
        }

        @Override
        public String toString() {
            return String.format("%-38s %2d thr  wall %7.1f img/s %7.1f MB/s | per core %7.1f img/s %7.1f MB/s",
                    name, threads, imagesPerSecond(), megabytesPerSecond(), imagesPerCpuSecond(),
                    megabytesPerCpuSecond());
        }
    }

    /** CPU time of this process in seconds. */
    private static double processCpuSeconds() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime() / 1e9;
    }

    public long totalBytes() {
        return images.stream().mapToLong(b -> b.length).sum();
    }

    /** Decode to RGB only. */
    public Rate decode(int threads, int passes) throws Exception {
        return measure("decode", threads, passes, (image, rng, out) -> {
            ImageDecoder.decodeRgb(image, "bench").close();
        });
    }

    /**
     * Decode + RandomResizedCrop + flip + normalize into a float CHW array, as the loader does it: decoding at reduced
     * scale where the crop allows.
     */
    public Rate decodeAndTrainTransform(int threads, int passes) throws Exception {
        ImageTransform transform = ImageTransform.train(outputSize);
        return measure("decode + RRC " + outputSize + " + flip + normalize", threads, passes,
                (image, rng, out) -> transform.decodeAndApply(image, "bench", rng, out, 0));
    }

    /** The same with every image decoded in full, to show what decode-time reduction saves. */
    public Rate fullDecodeAndTrainTransform(int threads, int passes) throws Exception {
        ImageTransform transform = ImageTransform.train(outputSize);
        return measure("full decode + RRC " + outputSize, threads, passes, (image, rng, out) -> {
            try (Mat rgb = ImageDecoder.decodeRgb(image, "bench")) {
                transform.apply(rgb, rng, out, 0);
            }
        });
    }

    /** The eval transform: decode + resize short side + center crop + normalize. */
    public Rate decodeAndEvalTransform(int threads, int passes) throws Exception {
        ImageTransform transform = ImageTransform.eval(outputSize);
        return measure("decode + resize + center crop " + outputSize, threads, passes, (image, rng, out) -> {
            try (Mat rgb = ImageDecoder.decodeRgb(image, "bench")) {
                transform.apply(rgb, rng, out, 0);
            }
        });
    }

    /** Writes the images into FileBatch shards of {@code shardSize} under {@code dir}; returns the shard paths. */
    public List<Path> writeShards(Path dir, int shardSize, List<String> classIds) throws IOException {
        Files.createDirectories(dir);
        List<Path> shards = new ArrayList<>();
        for (int from = 0; from < images.size(); from += shardSize) {
            List<byte[]> members = images.subList(from, Math.min(from + shardSize, images.size()));
            List<String> names = new ArrayList<>();
            for (int i = 0; i < members.size(); i++) {
                names.add(ShardEntryName.of(classIds.get((from + i) % classIds.size()), "bench_" + (from + i) + ".JPEG"));
            }
            Path shard = dir.resolve(String.format("shard-%05d.zip", shards.size()));
            try (OutputStream out = Files.newOutputStream(shard)) {
                ShardZip.write(new FileBatch(members, names), out);
            }
            shards.add(shard);
        }
        return shards;
    }

    /** Reads every shard back as a FileBatch (zip parse + byte copy, no decode); the OS page cache is likely warm. */
    public Rate readShards(List<Path> shards, int passes) throws IOException {
        long images = 0;
        long bytes = 0;
        double cpu = processCpuSeconds();
        long start = System.nanoTime();
        for (int pass = 0; pass < passes; pass++) {
            for (Path shard : shards) {
                FileBatch batch = FileBatch.readFromZip(shard.toFile());
                images += batch.getFileBytes().size();
                bytes += Files.size(shard);
            }
        }
        return new Rate("shard read (zip -> bytes)", 1, images, (System.nanoTime() - start) / 1e9,
                processCpuSeconds() - cpu, bytes);
    }

    /** The full training load of each shard: read, decode and augment in parallel into a DataSet. */
    public Rate loadShards(List<Path> shards, List<String> classIds, int passes) throws IOException {
        ImageShardLoader loader = new ImageShardLoader(classIds, outputSize, true);
        // untimed: the first load initialises ND4J's native backend
        loader.load(new LocalFileSource(shards.get(0).toString()));
        long images = 0;
        long bytes = 0;
        double cpu = processCpuSeconds();
        long start = System.nanoTime();
        for (int pass = 0; pass < passes; pass++) {
            for (Path shard : shards) {
                images += loader.load(new LocalFileSource(shard.toString())).numExamples();
                bytes += Files.size(shard);
            }
        }
        return new Rate("shard load (ImageShardLoader, train)", Runtime.getRuntime().availableProcessors(), images,
                (System.nanoTime() - start) / 1e9, processCpuSeconds() - cpu, bytes);
    }

    @FunctionalInterface
    private interface PerImage {
        void run(byte[] image, SplittableRandom rng, float[] out) throws ImageDecodeException;
    }

    /** Each thread works through its own stride of the images, {@code passes} times, with its own buffers. */
    private Rate measure(String name, int threads, int passes, PerImage work) throws Exception {
        if (threads < 1 || passes < 1) {
            throw new IllegalArgumentException("threads and passes must be >= 1, got " + threads + " and " + passes);
        }
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            AtomicInteger done = new AtomicInteger();
            List<Future<?>> futures = new ArrayList<>();
            double cpu = processCpuSeconds();
            long start = System.nanoTime();
            for (int t = 0; t < threads; t++) {
                int first = t;
                futures.add(pool.submit(() -> {
                    SplittableRandom rng = new SplittableRandom(first);
                    float[] out = new float[3 * outputSize * outputSize];
                    for (int pass = 0; pass < passes; pass++) {
                        for (int i = first; i < images.size(); i += threads) {
                            work.run(images.get(i), rng, out);
                            done.incrementAndGet();
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> future : futures) {
                future.get();
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            return new Rate(name, threads, done.get(), seconds, processCpuSeconds() - cpu, totalBytes() * passes);
        } finally {
            pool.shutdownNow();
        }
    }
}
