package io.attnspark.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.IntStream;

import org.apache.commons.io.file.PathUtils;

import io.attnspark.datasets.bench.DataBenchmark;
import io.attnspark.datasets.bench.SyntheticJpegs;
import io.attnspark.datasets.image.ImageDecoder;
import io.attnspark.datasets.image.ImageDownscale;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "data", mixinStandardHelpOptions = true,
        header = "Throughput of the worker-side data pipeline.",
        description = {"Measure the worker-side data pipeline on synthetic ImageNet-sized JPEGs (500x375, ~110 KB): "
                + "decode, decode + RandomResizedCrop + flip + normalize, and eval resize + center crop, on 1 and N"
                + " threads; the same on a few 1600x1200 photos with and without decode-time reduction; then "
                + "FileBatch shard read and full ImageShardLoader load throughput from local disk. 'per core' = per"
                + " CPU-second."})
final class BenchDataCommand implements Callable<Integer> {
    private static final int LARGE_WIDTH = 1600;
    private static final int LARGE_HEIGHT = 1200;

    @Option(names = "--images", paramLabel = "N", defaultValue = "256", description = "distinct images (default: ${DEFAULT-VALUE})")
    int images;

    @Option(names = "--passes", paramLabel = "N", defaultValue = "2", description = "passes over the images per measurement (default: ${DEFAULT-VALUE})")
    int passes;

    @Option(names = "--threads", paramLabel = "N", description = "threads of the multi-thread run (default: available cores)")
    Integer threads;

    @Option(names = "--size", paramLabel = "PX", defaultValue = "224", description = "output side (default: ${DEFAULT-VALUE})")
    int size;

    @Option(names = "--shard", paramLabel = "N", defaultValue = "64", description = "images per shard for the shard runs (default: ${DEFAULT-VALUE})")
    int shard;

    @Option(names = "--max-side", paramLabel = "PX", defaultValue = "500",
            description = "the large photos once more as datasets pack --max-side PX stores them (default: ${DEFAULT-VALUE})")
    int maxSide;

    @Option(names = "--work", paramLabel = "DIR", description = "where the shards go (default: a temp directory, deleted after)")
    Path work;

    @Override
    public Integer call() throws Exception {
        if (images < 1 || passes < 1 || shard < 1) {
            throw new IllegalArgumentException("--images, --passes and --shard must be >= 1");
        }
        int multi = threads != null ? threads : Runtime.getRuntime().availableProcessors();
        System.out.printf("generating %d synthetic %dx%d JPEGs...%n", images, SyntheticJpegs.WIDTH, SyntheticJpegs.HEIGHT);
        List<byte[]> jpegs = SyntheticJpegs.of(images, 1L);
        var bench = new DataBenchmark(jpegs, size);
        System.out.printf("mean JPEG size %.1f KB; %d core(s) available; JPEG decoder: %s%n",
                bench.totalBytes() / 1e3 / images, Runtime.getRuntime().availableProcessors(), ImageDecoder.jpegDecoder());

        // one untimed pass so JIT and OpenCV's lazy initialisation are not measured
        bench.decodeAndTrainTransform(1, 1);
        for (int t : multi == 1 ? List.of(1) : List.of(1, multi)) {
            System.out.println(bench.decode(t, passes));
            System.out.println(bench.decodeAndTrainTransform(t, passes));
            System.out.println(bench.decodeAndEvalTransform(t, passes));
        }
        int large = Math.max(1, images / 8);
        System.out.printf("%d large %dx%d JPEGs (decode-time reduction applies when the crop allows):%n", large,
                LARGE_WIDTH, LARGE_HEIGHT);
        List<byte[]> photos = SyntheticJpegs.of(large, 2L, LARGE_WIDTH, LARGE_HEIGHT);
        var largeBench = new DataBenchmark(photos, size);
        largeBench.decodeAndTrainTransform(1, 1);
        System.out.println(largeBench.fullDecodeAndTrainTransform(1, passes));
        System.out.println(largeBench.decodeAndTrainTransform(1, passes));
        var downscale = ImageDownscale.toMaxSide(maxSide);
        List<byte[]> packed = new ArrayList<>();
        for (byte[] photo : photos) {
            packed.add(downscale.apply(photo, "bench"));
        }
        var packedBench = new DataBenchmark(packed, size);
        System.out.printf("the same photos packed with --max-side %d (%.1f KB each):%n", maxSide,
                packedBench.totalBytes() / 1e3 / packed.size());
        packedBench.decodeAndTrainTransform(1, 1);
        System.out.println(packedBench.decode(1, passes));
        System.out.println(packedBench.decodeAndTrainTransform(1, passes));

        boolean temporary = work == null;
        Path dir = temporary ? Files.createTempDirectory("attnspark-bench-") : work;
        try {
            List<String> classIds = IntStream.range(0, 10).mapToObj(i -> String.format("n%08d", i)).toList();
            var shards = bench.writeShards(dir.resolve("shards"), shard, classIds);
            System.out.println(bench.readShards(shards, passes));
            System.out.println(bench.loadShards(shards, classIds, passes));
        } finally {
            if (temporary) {
                PathUtils.deleteDirectory(dir);
            }
        }
        return 0;
    }
}
