package io.attnspark.train;

import org.apache.spark.TaskContext;
import org.apache.spark.api.java.JavaSparkContext;
import org.deeplearning4j.core.loader.DataSetLoader;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.spark.api.RDDTrainingApproach;
import org.deeplearning4j.spark.impl.graph.SparkComputationGraph;
import org.deeplearning4j.spark.impl.paramavg.ParameterAveragingTrainingMaster;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.nd4j.common.loader.Source;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Nesterovs;
import org.nd4j.linalg.lossfunctions.LossFunctions;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Which shards each worker of each averaging round trains, in which order, on Spark {@code local[2]}: the fit's shard
 * order cut into rounds of workers x averaging frequency, worker {@code i} taking the {@code i}-th consecutive slice.
 * This is the contract a reference implementation (or a parity test) mirrors.
 */
class DeterministicAveragingMasterIT {

    private static final int WORKERS = 3;
    private static final int AVERAGING_FREQUENCY = 2;
    private static final int BATCH = 2;
    /** (stage, partition, shard) of every load, in the order the loads happened; local mode shares this JVM. */
    private static final ConcurrentLinkedQueue<String[]> LOADS = new ConcurrentLinkedQueue<>();
    private static JavaSparkContext spark;

    @BeforeAll
    static void startSpark() {
        spark = new JavaSparkContext(SparkSetup.conf("DeterministicAveragingMasterIT", "local[2]", Map.of()));
    }

    @AfterAll
    static void stopSpark() {
        spark.stop();
    }

    @Test
    void eachWorkerTrainsItsConsecutiveSliceOfEachRound() {
        List<String> shards = IntStream.range(0, 14).mapToObj(i -> String.format("shard-%02d", i)).toList();
        LOADS.clear();

        fit(shards);

        // stage ids grow with each round's job; partitions of a round are its workers
        var rounds = new TreeMap<Integer, TreeMap<Integer, List<String>>>();
        for (String[] load : LOADS) {
            rounds.computeIfAbsent(Integer.parseInt(load[0]), stage -> new TreeMap<>())
                    .computeIfAbsent(Integer.parseInt(load[1]), partition -> new ArrayList<>()).add(load[2]);
        }
        assertEquals(List.of(
                Map.of(0, List.of("shard-00", "shard-01"), 1, List.of("shard-02", "shard-03"), 2, List.of("shard-04", "shard-05")),
                Map.of(0, List.of("shard-06", "shard-07"), 1, List.of("shard-08", "shard-09"), 2, List.of("shard-10", "shard-11")),
                // a short last round: Spark slices two shards over three workers as [], [12], [13]
                Map.of(1, List.of("shard-12"), 2, List.of("shard-13"))), List.copyOf(rounds.values()));
    }

    private static void fit(List<String> shards) {
        var network = new ComputationGraph(new NeuralNetConfiguration.Builder().seed(1).updater(new Nesterovs(0.1, 0.9))
                .dataType(DataType.FLOAT).graphBuilder().addInputs("in").setInputTypes(InputType.feedForward(4))
                .addLayer("dense", new DenseLayer.Builder().nOut(8).activation(Activation.TANH).build(), "in")
                .addLayer("out", new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nOut(2)
                        .activation(Activation.SOFTMAX).build(), "dense")
                .setOutputs("out").build());
        network.init();
        var master = new DeterministicAveragingMaster(new ParameterAveragingTrainingMaster.Builder(WORKERS, BATCH)
                .batchSizePerWorker(BATCH).averagingFrequency(AVERAGING_FREQUENCY).workerPrefetchNumBatches(0)
                .rddTrainingApproach(RDDTrainingApproach.Direct), TaskGpu.Assignments.register(spark));
        var sparkNet = new SparkComputationGraph(spark, network, master);
        sparkNet.fitPaths(spark.parallelize(shards, 2), new RecordingLoader());
    }

    /** A minibatch drawn from the shard's name, recording where it was loaded. */
    private static final class RecordingLoader implements DataSetLoader {
        @Override
        public DataSet load(Source source) {
            var task = TaskContext.get();
            LOADS.add(new String[] {String.valueOf(task.stageId()), String.valueOf(task.partitionId()), source.getPath()});
            Nd4j.getRandom().setSeed(source.getPath().hashCode());
            var labels = Nd4j.zeros(DataType.FLOAT, BATCH, 2);
            labels.putScalar(0, 0, 1f);
            labels.putScalar(1, 1, 1f);
            return new DataSet(Nd4j.rand(DataType.FLOAT, BATCH, 4), labels);
        }
    }
}
