package io.attnspark.train;

import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.deeplearning4j.core.loader.DataSetLoader;
import org.deeplearning4j.core.loader.MultiDataSetLoader;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.spark.api.Repartition;
import org.deeplearning4j.spark.impl.graph.SparkComputationGraph;
import org.deeplearning4j.spark.impl.multilayer.SparkDl4jMultiLayer;
import org.deeplearning4j.spark.impl.paramavg.ParameterAveragingTrainingMaster;
import org.deeplearning4j.spark.impl.paramavg.ParameterAveragingTrainingResult;
import org.deeplearning4j.spark.impl.paramavg.aggregator.ParameterAveragingAggregationTuple;
import org.deeplearning4j.spark.impl.paramavg.aggregator.ParameterAveragingElementAddFunction;
import org.deeplearning4j.spark.impl.paramavg.aggregator.ParameterAveragingElementCombineFunction;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.List;

/**
 * DL4J's parameter averaging, made independent of task timing and placement, so that a run that loses an executor
 * (whose tasks Spark retries elsewhere) ends with the same weights, bit for bit, as the run without the loss. Upstream,
 * two steps depended on them:
 * <ul>
 *   <li>DL4J cut a fit's shards into averaging rounds at random, from the master's RNG (which a resumed run seeds
 *   afresh), then re-partitioned each round through a shuffle, whose blocks reach a task local ones first, remote ones
 *   as they arrive: the order a worker fits its minibatches in depended on which executor had run what;</li>
 *   <li>Spark's treeAggregate summed the workers' parameters, updater state and scores in the order their tasks
 *   finished (float sums: with three or more workers the bits depend on that order).</li>
 * </ul>
 * Here the trainer's shard order (already shuffled by the seed) is cut into rounds of workers x averaging frequency in
 * order, worker {@code i} of a round taking the {@code i}-th consecutive slice, without a shuffle; and the sums run in
 * partition order ({@link OrderedTreeAggregate}). attnspark trains through {@link SparkComputationGraph#fitPaths} only:
 * fits of in-memory RDDs get the ordered sums but keep DL4J's random split, without its re-balancing. attnspark sets no
 * DL4J listeners, so their stats are not routed.
 */
final class DeterministicAveragingMaster extends ParameterAveragingTrainingMaster {

    /** The name of each averaging round's shard RDD, as the Spark UI and event log show it. */
    static final String TRAINING_ROUND = "attnspark training round";

    private final TaskGpu.Assignments gpuAssignments;

    /** @param gpuAssignments where the training tasks record the GPUs Spark gave them ({@link TaskGpu}) */
    DeterministicAveragingMaster(Builder builder, TaskGpu.Assignments gpuAssignments) {
        super(builder);
        this.gpuAssignments = gpuAssignments;
        // each round arrives partitioned as it should be trained; DL4J's re-balancing would shuffle it
        this.repartition = Repartition.Never;
    }

    @Override
    public void executeTrainingPaths(SparkDl4jMultiLayer network, SparkComputationGraph graph, JavaRDD<String> paths,
                                     DataSetLoader dataSetLoader, MultiDataSetLoader multiDataSetLoader) {
        if (graph == null) {
            throw new UnsupportedOperationException("attnspark trains ComputationGraphs only");
        }
        JavaSparkContext sc = graph.getSparkContext();
        int workers = numWorkers != null ? numWorkers : sc.defaultParallelism();
        int threads = TaskThreads.perTask(sc.master(), sc.getConf(), workers, Runtime.getRuntime().availableProcessors());
        if (collectTrainingStats) {
            stats.logFitStart();
        }
        List<String> shards = paths.collect();
        int round = workers * Math.max(1, numObjectsEachWorker(rddDataSetNumExamples));
        int rounds = (shards.size() + round - 1) / round;
        for (int r = 0; r < rounds; r++) {
            var roundShards = shards.subList(r * round, Math.min(shards.size(), (r + 1) * round));
            // each task selects its GPU and its native threads in these steps, before DL4J's worker function runs in the same task
            JavaRDD<String> roundRdd = sc.parallelize(roundShards, workers)
                    .mapPartitions(new TaskGpu<>(gpuAssignments), true)
                    .mapPartitions(new TaskThreads<>(threads), true).setName(TRAINING_ROUND);
            doIterationPaths(null, graph, roundRdd, r + 1, rounds, rddDataSetNumExamples, dataSetLoader, multiDataSetLoader);
        }
        if (collectTrainingStats) {
            stats.logFitEnd(shards.size());
        }
    }

    /** As upstream, with the sums in partition order: averages the workers' results into the driver's network. */
    @Override
    protected void processResults(SparkDl4jMultiLayer network, SparkComputationGraph graph,
                                  JavaRDD<ParameterAveragingTrainingResult> results, int splitNum, int totalSplits) {
        if (collectTrainingStats) {
            stats.logAggregateStartTime();
        }
        ParameterAveragingAggregationTuple sums = sum(results, aggregationDepth);
        if (collectTrainingStats) {
            stats.logAggregationEndTime();
            stats.logProcessParamsUpdaterStart();
        }
        INDArray params = sums.getParametersSum();
        // null when no worker had data: the network stays as it is
        if (params != null) {
            ComputationGraph net = graph.getNetwork();
            net.setParams(params.divi(sums.getAggregationsCount()));
            INDArray updaterState = sums.getUpdaterStateSum();
            if (updaterState != null) {
                net.getUpdater().setStateViewArray(updaterState.divi(sums.getAggregationsCount()));
            }
            graph.setScore(sums.getScoreSum() / sums.getAggregationsCount());
            var conf = net.getConfiguration();
            conf.setIterationCount(conf.getIterationCount() + averagingFrequency);
        }
        if (collectTrainingStats) {
            stats.logProcessParamsUpdaterEnd();
            stats.addWorkerStats(sums.getSparkTrainingStats());
        }
        Nd4j.getExecutioner().commit();
    }

    /** Sums of the workers' parameters, updater states and scores, and how many workers had data. */
    static ParameterAveragingAggregationTuple sum(JavaRDD<ParameterAveragingTrainingResult> results, int depth) {
        var add = new ParameterAveragingElementAddFunction();
        try {
            return OrderedTreeAggregate.aggregate(results.map(result -> add.call(null, result)),
                    new ParameterAveragingElementCombineFunction(), depth);
        } catch (Exception e) {
            throw new IllegalStateException("summing the workers' parameters failed", e);
        }
    }
}
