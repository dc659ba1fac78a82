package io.attnspark.train;

import io.attnspark.train.config.SharingConfig;
import io.attnspark.train.config.SparkConfig;
import org.apache.spark.SparkConf;
import org.deeplearning4j.optimize.solvers.accumulation.encoding.ThresholdAlgorithm;
import org.deeplearning4j.optimize.solvers.accumulation.encoding.threshold.AdaptiveThresholdAlgorithm;
import org.deeplearning4j.optimize.solvers.accumulation.encoding.threshold.FixedThresholdAlgorithm;
import org.deeplearning4j.optimize.solvers.accumulation.encoding.threshold.TargetSparsityThresholdAlgorithm;
import org.deeplearning4j.spark.api.RDDTrainingApproach;
import org.deeplearning4j.spark.api.TrainingMaster;
import org.deeplearning4j.spark.impl.paramavg.ParameterAveragingTrainingMaster;
import org.deeplearning4j.spark.parameterserver.training.SharedTrainingMaster;
import org.nd4j.parameterserver.distributed.conf.VoidConfiguration;
import org.nd4j.parameterserver.distributed.v2.transport.impl.StaticPortSupplier;

/**
 * The DL4J training master that {@code spark.trainingMaster} selects, configured from the run's settings. Averaging runs
 * through {@link DeterministicAveragingMaster}, so its results do not depend on task timing or placement.
 */
final class TrainingMasters {

    /**
     * DL4J's Aeron transport sets the client liveness timeout to 30 s, but Aeron 1.32's media driver only starts when
     * the publication unblock timeout (default 15 s) is longer: without this every sharing run fails at start-up.
     */
    static final String AERON_UNBLOCK_TIMEOUT = "aeron.publication.unblock.timeout";
    private static final String AERON_UNBLOCK_NANOS = "60000000000";

    private TrainingMasters() { }

    /**
     * @param sparkMaster the running context's master (spark-submit's when the config names none)
     * @param workers     training workers (Spark tasks per fit round)
     * @param batch       examples per worker minibatch, which is also the examples per loaded shard
     * @param export      export approach (a distributed file system) instead of direct (local files)
     * @param exportDir   where the export approach writes
     * @param gpuAssignments where averaging tasks record their GPUs; gradient sharing keeps DL4J's own device placement
     */
    static TrainingMaster<?, ?> create(SparkConfig spark, SparkConf sparkConf, String sparkMaster, long seed, int workers,
                                       int batch, boolean export, String exportDir, TaskGpu.Assignments gpuAssignments) {
        var approach = export ? RDDTrainingApproach.Export : RDDTrainingApproach.Direct;
        return switch (spark.trainingMaster()) {
            case AVERAGING -> new DeterministicAveragingMaster(new ParameterAveragingTrainingMaster.Builder(workers, batch)
                    .batchSizePerWorker(batch)
                    .averagingFrequency(spark.averagingFrequency())
                    .workerPrefetchNumBatches(spark.prefetch())
                    .aggregationDepth(spark.aggregationDepth())
                    .saveUpdater(spark.saveUpdater())
                    .rddTrainingApproach(approach)
                    .exportDirectory(exportDir), gpuAssignments);
            case SHARING -> sharing(spark, sparkConf, sparkMaster, seed, workers, batch, approach, exportDir);
        };
    }

    private static SharedTrainingMaster sharing(SparkConfig spark, SparkConf sparkConf, String sparkMaster, long seed,
                                                int workers, int batch, RDDTrainingApproach approach, String exportDir) {
        spark.checkSharingOn(sparkMaster);
        if (System.getProperty(AERON_UNBLOCK_TIMEOUT) == null) {
            System.setProperty(AERON_UNBLOCK_TIMEOUT, AERON_UNBLOCK_NANOS);
        }
        SharingConfig sharing = spark.sharing();
        var transport = VoidConfiguration.builder()
                .unicastPort(sharing.port())
                .portSupplier(new StaticPortSupplier(sharing.executorPort()))
                .controllerAddress(spark.controllerAddress())
                .networkMask(sharing.networkMask())
                .build();
        return new SharedTrainingMaster.Builder(transport, workers, thresholdAlgorithm(sharing), batch)
                .batchSizePerWorker(batch)
                .workersPerNode(workersPerNode(sharing, sparkConf, sparkMaster, workers))
                .workerPrefetchNumBatches(spark.prefetch())
                .rngSeed(seed)
                .rddTrainingApproach(approach)
                .exportDirectory(exportDir)
                // its stats helper exists only when asked for here, not when SparkComputationGraph asks later
                .collectTrainingStats(true)
                .build();
    }

    /** The executor JVM option that the Aeron transport on every executor needs (see {@link #AERON_UNBLOCK_TIMEOUT}). */
    static String executorJavaOption() {
        return "-D" + AERON_UNBLOCK_TIMEOUT + "=" + AERON_UNBLOCK_NANOS;
    }

    private static int workersPerNode(SharingConfig sharing, SparkConf sparkConf, String sparkMaster, int workers) {
        if (sharing.workersPerNode() != null) {
            return sharing.workersPerNode();
        }
        if (SparkConfig.localThreads(sparkMaster, Runtime.getRuntime().availableProcessors()) > 0) {
            return workers;
        }
        return Math.max(1, sparkConf.getInt("spark.executor.cores", 1) / sparkConf.getInt("spark.task.cpus", 1));
    }

    private static ThresholdAlgorithm thresholdAlgorithm(SharingConfig sharing) {
        return switch (sharing.thresholdAlgorithm()) {
            case ADAPTIVE -> new AdaptiveThresholdAlgorithm(sharing.threshold());
            case FIXED -> new FixedThresholdAlgorithm(sharing.threshold());
            // DL4J's defaults for the sparsity aim (1e-3) and the decay towards it
            case TARGETSPARSITY -> new TargetSparsityThresholdAlgorithm(sharing.threshold(), 1e-3, 0.965936);
        };
    }
}
