package io.attnspark.train;

import io.attnspark.datasets.pack.ImageShardLoader;
import io.attnspark.datasets.pack.PackedDataset;
import io.attnspark.datasets.skip.SkipAccumulator;
import io.attnspark.model.ResolvedModel;
import io.attnspark.train.config.DataConfig;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;

/**
 * What the epochs read: the shards, the loaders that decode and augment them on the workers, and the accumulators
 * that bring the counts of skipped images back to the driver.
 */
record TrainingFeed(List<String> trainShards, JavaRDD<String> valShards, long trainImages, List<String> classIds,
                    ImageShardLoader trainLoader, ImageShardLoader evalLoader, SkipAccumulator trainSkips,
                    SkipAccumulator evalSkips) {

    /** One epoch's shards in their shuffled order, and the loader seeded for the epoch. */
    record Epoch(List<String> shards, ImageShardLoader loader) { }

    static TrainingFeed of(JavaSparkContext sc, PackedDataset data, ResolvedModel model, DataConfig config, int workers) {
        // bad images are skipped on the workers; the counts come back to the driver through accumulators
        var trainSkips = SkipAccumulator.register(sc, "skipped training images");
        var evalSkips = SkipAccumulator.register(sc, "skipped validation images");
        var trainLoader = new ImageShardLoader(data.classIds(), model.imageSize(), true, trainSkips)
                .augmented(config.augment(), config.padding());
        var evalLoader = new ImageShardLoader(data.classIds(), model.imageSize(), false, evalSkips)
                .augmented(config.augment(), config.padding());
        return new TrainingFeed(data.shardUris("train"), sc.parallelize(data.shardUris("val"), workers),
                data.imageCount("train"), data.classIds(), trainLoader, evalLoader, trainSkips, evalSkips);
    }

    /**
     * The shard order and the loader of {@code epoch}: crops, flips and in-shard order repeat for the same seed and epoch,
     * so a resumed run sees the same batches.
     */
    Epoch epoch(long seed, int epoch) {
        var order = new ArrayList<>(trainShards);
        Collections.shuffle(order, new Random(seed * 31 + epoch));
        return new Epoch(order, trainLoader.seeded(seed, epoch));
    }
}
