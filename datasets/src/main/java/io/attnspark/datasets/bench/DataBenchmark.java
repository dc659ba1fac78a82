package io.attnspark.datasets.bench;

import static org.bytedeco.opencv.global.opencv_core.CV_32FC3;
import static org.bytedeco.opencv.global.opencv_core.CV_8UC3;
import static org.bytedeco.opencv.global.opencv_core.add;
import static org.bytedeco.opencv.global.opencv_imgcodecs.IMWRITE_JPEG_QUALITY;
import static org.bytedeco.opencv.global.opencv_imgcodecs.imencode;
import static org.bytedeco.opencv.global.opencv_imgproc.GaussianBlur;
import static org.bytedeco.opencv.global.opencv_imgproc.LINE_AA;
import static org.bytedeco.opencv.global.opencv_imgproc.circle;
import static org.bytedeco.opencv.global.opencv_imgproc.rectangle;

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

import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.IntPointer;
import org.bytedeco.javacpp.indexer.FloatIndexer;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Point;
import org.bytedeco.opencv.opencv_core.Rect;
import org.bytedeco.opencv.opencv_core.Scalar;
import org.bytedeco.opencv.opencv_core.Size;
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
    /** ImageNet's typical image: 500 x 375. */
    public static final int WIDTH = 500;
    public static final int HEIGHT = 375;
    private static final int JPEG_QUALITY = 93;
    private static final double NOISE_SIGMA = 52;

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

    /**
     * Synthetic photos: smooth colour gradients, a few blurred shapes and sensor-like noise, which JPEG compresses to
     * about the size of an ImageNet photo (~110 KB at 500 x 375).
     */
    public static List<byte[]> syntheticJpegs(int count, long seed) {
        return syntheticJpegs(count, seed, WIDTH, HEIGHT);
    }

    /** As {@link #syntheticJpegs(int, long)} at another size (ImageNet also has multi-megapixel photos). */
    public static List<byte[]> syntheticJpegs(int count, long seed, int width, int height) {
        SplittableRandom rng = new SplittableRandom(seed);
        List<byte[]> jpegs = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            try (Mat image = syntheticPhoto(rng, width, height)) {
                jpegs.add(encodeJpeg(image));
            }
        }
        return jpegs;
    }

    private static Mat syntheticPhoto(SplittableRandom rng, int width, int height) {
        Mat image = new Mat(height, width, CV_32FC3);
        double[] from = {rng.nextDouble(255), rng.nextDouble(255), rng.nextDouble(255)};
        double[] to = {rng.nextDouble(255), rng.nextDouble(255), rng.nextDouble(255)};
        try (FloatIndexer pixels = image.createIndexer()) {
            for (int y = 0; y < height; y++) {
                for (int x = 0; x < width; x++) {
                    double t = (x + y) / (double) (width + height);
                    for (int c = 0; c < 3; c++) {
                        pixels.put(y, x, c, (float) (from[c] + t * (to[c] - from[c])));
                    }
                }
            }
        }
        for (int shape = 0; shape < 12; shape++) {
            try (Scalar colour = new Scalar(rng.nextDouble(255), rng.nextDouble(255), rng.nextDouble(255), 0);
                 Point centre = new Point(rng.nextInt(width), rng.nextInt(height))) {
                if (rng.nextBoolean()) {
                    circle(image, centre, 10 + rng.nextInt(90), colour, -1, LINE_AA, 0);
                } else {
                    try (Rect rect = new Rect(centre.x(), centre.y(), 10 + rng.nextInt(150), 10 + rng.nextInt(150))) {
                        rectangle(image, rect, colour, -1, LINE_AA, 0);
                    }
                }
            }
        }
        try (Size kernel = new Size(0, 0)) {
            GaussianBlur(image, image, kernel, 2.0);
        }
        // textured detail: blurred noise gives JPEG something real-looking to spend bits on
        try (Mat texture = new Mat(height, width, CV_32FC3); Size kernel = new Size(0, 0)) {
            try (FloatIndexer noise = texture.createIndexer()) {
                for (int y = 0; y < height; y++) {
                    for (int x = 0; x < width; x++) {
                        for (int c = 0; c < 3; c++) {
                            noise.put(y, x, c, (float) (NOISE_SIGMA * rng.nextGaussian()));
                        }
                    }
                }
            }
            GaussianBlur(texture, texture, kernel, 0.7);
            add(image, texture, image);
        }
        Mat bytes = new Mat();
        image.convertTo(bytes, CV_8UC3);
        image.close();
        return bytes;
    }

    private static byte[] encodeJpeg(Mat image) {
        try (BytePointer buffer = new BytePointer(); IntPointer params = new IntPointer(IMWRITE_JPEG_QUALITY, JPEG_QUALITY)) {
            if (!imencode(".jpg", image, buffer, params)) {
                throw new IllegalStateException("OpenCV could not encode a JPEG");
            }
            byte[] bytes = new byte[(int) buffer.limit()];
            buffer.get(bytes);
            return bytes;
        }
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
