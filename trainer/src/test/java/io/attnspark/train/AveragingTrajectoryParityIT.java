package io.attnspark.train;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.attnspark.train.config.ConfigLoader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.spark.api.java.JavaSparkContext;
import org.deeplearning4j.core.loader.impl.SerializedDataSetLoader;
import org.deeplearning4j.spark.impl.graph.SparkComputationGraph;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Two workers with parameter averaging every 5 steps train as two PyTorch replicas that average their parameters,
 * batch-norm statistics and momentum buffers every 5 steps (fixtures from src/test/python/make_trajectory_fixtures.py).
 * <p>
 * This is the trainer's Spark path: SparkComputationGraph with the ParameterAveragingTrainingMaster that
 * TrainingMasters builds (saveUpdater, prefetch, Kryo), on local[2], fed through fitPaths one averaging round of ten
 * shard paths at a time, as the trainer feeds a run of up to 100 shards. dl4j-spark splits a round of
 * {@code workers * averagingFrequency} paths no further (balancedRandomSplit only splits larger inputs) and keeps
 * parallelize's partitions when each already holds averagingFrequency paths (repartitionBalanceIfRequired), so
 * worker 1 trains on paths 0-4 and worker 2 on paths 5-9, in order; then the driver divides the sums of parameters
 * (running statistics included: DL4J stores them as parameters) and updater states by the number of workers.
 * The score after a round is the workers' mean score of their last step.
 */
class AveragingTrajectoryParityIT {

    private static final int WORKERS = 2;
    private static final int EPOCHS = 6;
    private static final int ROUND = 10;
    /** Rounds 1-6 (steps 5-30 of each worker); measured 3.6e-5 (plain) and 3.2e-3 (se, from round 4). */
    private static final double ROUND_SCORE_TOLERANCE = 1e-2;
    /** After 6 rounds, ||attnspark - torch|| / ||torch|| over all parameters; measured 1.6e-5 (plain), 2.3e-3 (se). */
    private static final double PARAMETER_TOLERANCE = 1e-2;

    private static JavaSparkContext spark;

    @BeforeAll
    static void startSpark() {
        SparkSetup.useSystemClockForStats();
        spark = new JavaSparkContext(SparkSetup.conf("AveragingTrajectoryParityIT", "local[" + WORKERS + "]", Map.of()));
    }

    @AfterAll
    static void stopSpark() {
        spark.stop();
    }

    /** The ten fixed batches as serialized DataSet files, the shards the workers load. */
    private static List<String> shards(Path dir) throws IOException {
        var batches = TrajectoryFixtures.npz("batches.npz");
        List<String> paths = new ArrayList<>();
        for (int b = 0; b < ROUND; b++) {
            Path file = dir.resolve("batch-" + b + ".bin");
            TrajectoryFixtures.batch(batches, b).save(file.toFile());
            paths.add(file.toUri().toString());
        }
        return paths;
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"plain", "se"})
    void followsTheAveragedReplicas(String name, @TempDir Path dir) throws IOException {
        var torch = TrajectoryFixtures.npz(name + "_averaged.npz");
        var config = ConfigLoader.load(null, List.of("data.path=x", "spark.averagingFrequency=5", "spark.saveUpdater=true",
                "spark.batchSizePerWorker=" + TrajectoryFixtures.BATCH));
        var recipe = TrajectoryFixtures.recipe(EPOCHS);
        int globalBatch = WORKERS * TrajectoryFixtures.BATCH;
        var master = TrainingMasters.create(config.spark(), spark.getConf(), spark.master(), recipe.seed(), WORKERS,
                TrajectoryFixtures.BATCH, false, dir.resolve("export").toString(), TaskGpu.Assignments.register(spark));
        var sparkNet = new SparkComputationGraph(spark, TrajectoryFixtures.network(name, recipe, globalBatch), master);
        sparkNet.setCollectTrainingStats(true);
        List<String> paths = shards(dir);
        INDArray expected = torch.get("round_score");

        double worstRound = 0;
        StringBuilder rounds = new StringBuilder();
        for (int epoch = 0; epoch < EPOCHS; epoch++) {
            // as Trainer.train: the rate of the epoch, then one fitPaths call per averaging round
            sparkNet.getNetwork().setLearningRate(recipe.learningRate(epoch, globalBatch));
            Trainer.startEpoch(sparkNet.getNetwork(), TrajectoryFixtures.spec(name).resolve(), epoch);
            sparkNet.fitPaths(spark.parallelize(paths, WORKERS), new SerializedDataSetLoader());
            double relative = Math.abs(sparkNet.getScore() - expected.getDouble(epoch)) / expected.getDouble(epoch);
            worstRound = Math.max(worstRound, relative);
            rounds.append(String.format(" %.4f/%.4f", sparkNet.getScore(), expected.getDouble(epoch)));
        }
        var reference = TrajectoryFixtures.holding(name, torch);
        double distance = TrajectoryFixtures.relativeDistance(sparkNet.getNetwork(), reference);
        var parameters = TrajectoryFixtures.worstParameter(sparkNet.getNetwork(), reference);
        System.out.printf("averaging %s: round scores (attnspark/torch)%s; worst rel diff %.2e; parameters: relative"
                + " distance %.2e, worst tensor %s %.2e%n", name, rounds, worstRound, distance, parameters.parameter(),
                parameters.relative());

        assertTrue(worstRound <= ROUND_SCORE_TOLERANCE, name + ": round score relative difference " + worstRound + rounds);
        assertTrue(distance <= PARAMETER_TOLERANCE, name + ": parameters' relative distance " + distance + ", " + parameters);
    }
}
