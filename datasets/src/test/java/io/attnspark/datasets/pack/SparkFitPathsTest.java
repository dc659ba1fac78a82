package io.attnspark.datasets.pack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

import org.apache.hadoop.conf.Configuration;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.GlobalPoolingLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.PoolingType;
import org.deeplearning4j.spark.api.RDDTrainingApproach;
import org.deeplearning4j.spark.impl.graph.SparkComputationGraph;
import org.deeplearning4j.spark.impl.paramavg.ParameterAveragingTrainingMaster;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.evaluation.classification.Evaluation;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.learning.config.Sgd;
import org.nd4j.linalg.lossfunctions.LossFunctions;

import io.attnspark.datasets.TestImages;
import io.attnspark.datasets.imagenet.ImageFolderLayout;
import io.attnspark.datasets.imagenet.ImageLayout;

/** The contract the trainer relies on: packed shards + ImageShardLoader through DL4J's fitPaths and doEvaluation. */
class SparkFitPathsTest {
    private static final int IMAGE_SIZE = 16;

    @TempDir
    static Path work;
    private static JavaSparkContext sc;

    @BeforeAll
    static void startSpark() {
        sc = new JavaSparkContext(new SparkConf().setMaster("local[2]").setAppName("SparkFitPathsTest")
                .set("spark.ui.enabled", "false").set("spark.driver.bindAddress", "127.0.0.1")
                .set("spark.driver.host", "127.0.0.1"));
    }

    @AfterAll
    static void stopSpark() {
        if (sc != null) {
            sc.stop();
        }
    }

    @Test
    void fitPathsAndDoEvaluationRunOnPackedShards() throws IOException {
        TestImages.fashion(work.resolve("fashion"), 2, 2);
        Configuration conf = new Configuration();
        ImageFolderLayout layout = ImageFolderLayout.open(work.resolve("fashion").toString(), conf);
        PackedDataset packed = new ShardPacker(sc, conf).pack(layout, List.of(ImageLayout.TRAIN, ImageLayout.VAL),
                new PackSpec(work.resolve("packed").toUri().toString(), 8, 1L));

        ParameterAveragingTrainingMaster master = new ParameterAveragingTrainingMaster.Builder(2, packed.batchSize())
                .batchSizePerWorker(packed.batchSize()).averagingFrequency(1).workerPrefetchNumBatches(0)
                .rddTrainingApproach(RDDTrainingApproach.Direct).build();
        SparkComputationGraph net = new SparkComputationGraph(sc, tinyNet(packed.classIds().size()), master);

        net.fitPaths(sc.parallelize(packed.shardUris(ImageLayout.TRAIN)),
                new ImageShardLoader(packed.classIds(), IMAGE_SIZE, true));
        Evaluation evaluation = (Evaluation) net.doEvaluation(sc.parallelize(packed.shardUris(ImageLayout.VAL)),
                new ImageShardLoader(packed.classIds(), IMAGE_SIZE, false), new Evaluation(packed.classIds().size()))[0];

        assertEquals(packed.imageCount(ImageLayout.VAL), evaluation.getNumRowCounter(), "every val image is evaluated once");
        assertFalse(Double.isNaN(net.getScore()), "training produced a score");
    }

    private static ComputationGraphConfiguration tinyNet(int classes) {
        return new NeuralNetConfiguration.Builder().seed(1).updater(new Sgd(0.01)).graphBuilder()
                .addInputs("in")
                .setInputTypes(InputType.convolutional(IMAGE_SIZE, IMAGE_SIZE, 3))
                .addLayer("conv", new ConvolutionLayer.Builder(3, 3).nOut(4).activation(Activation.RELU).build(), "in")
                .addLayer("pool", new GlobalPoolingLayer.Builder(PoolingType.AVG).build(), "conv")
                .addLayer("out", new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nOut(classes)
                        .activation(Activation.SOFTMAX).build(), "pool")
                .setOutputs("out")
                .build();
    }
}
