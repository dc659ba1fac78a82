package io.attnspark.train;

import org.apache.spark.api.java.JavaSparkContext;
import org.datavec.spark.util.SerializableHadoopConfig;
import org.deeplearning4j.core.loader.DataSetLoader;
import org.deeplearning4j.spark.data.loader.RemoteFileSourceFactory;
import org.deeplearning4j.spark.impl.graph.SparkComputationGraph;

import java.util.List;

/**
 * The training loss of the current network on a few training shards. Gradient sharing reports no score to the driver
 * (DL4J's SparkComputationGraph keeps 0), so a sharing run measures its epoch's loss this way: a forward pass over
 * {@code shardsPerWorker} shards per worker, loaded like training data.
 */
final class SampledTrainLoss {

    private SampledTrainLoss() { }

    static double of(JavaSparkContext sc, SparkComputationGraph sparkNet, List<String> shards, DataSetLoader loader,
                     int workers, int shardsPerWorker) {
        var sample = shards.subList(0, Math.min(shards.size(), workers * shardsPerWorker));
        var hadoop = sc.broadcast(new SerializableHadoopConfig(sc.hadoopConfiguration()));
        var data = sc.parallelize(sample, workers)
                .map(path -> loader.load(new RemoteFileSourceFactory(hadoop).getSource(path)));
        return sparkNet.calculateScore(data, true);
    }
}
