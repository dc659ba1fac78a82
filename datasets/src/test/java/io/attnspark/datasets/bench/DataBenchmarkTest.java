package io.attnspark.datasets.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;

import org.bytedeco.opencv.opencv_core.Mat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.attnspark.datasets.image.ImageDecoder;

/** The benchmark's inputs look like ImageNet's and every measurement runs; no timing is asserted. */
class DataBenchmarkTest {
    @Test
    void syntheticJpegsHaveImageNetSizeAndEveryMeasurementCountsItsImages(@TempDir Path dir) throws Exception {
        List<byte[]> jpegs = SyntheticJpegs.of(3, 7L);
        for (byte[] jpeg : jpegs) {
            assertTrue(jpeg.length > 80_000 && jpeg.length < 160_000, "an ImageNet photo is ~110 KB, got " + jpeg.length);
            try (Mat rgb = ImageDecoder.decodeRgb(jpeg, "synthetic")) {
                assertEquals(SyntheticJpegs.WIDTH, rgb.cols());
                assertEquals(SyntheticJpegs.HEIGHT, rgb.rows());
            }
        }
        DataBenchmark bench = new DataBenchmark(jpegs, 32);

        assertEquals(6, bench.decodeAndTrainTransform(2, 2).images());
        assertEquals(3, bench.decode(1, 1).images());
        assertEquals(3, bench.decodeAndEvalTransform(1, 1).images());
        List<String> classes = List.of("n1", "n2");
        List<Path> shards = bench.writeShards(dir, 2, classes);
        assertEquals(2, shards.size());
        DataBenchmark.Rate read = bench.readShards(shards, 1);
        assertEquals(3, read.images());
        assertTrue(read.bytes() > 3 * 80_000, "shard bytes are counted");
        assertEquals(3, bench.loadShards(shards, classes, 1).images());
    }
}
