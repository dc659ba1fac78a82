package io.attnspark.train;

import io.attnspark.datasets.imagenet.ImageLayout;
import io.attnspark.datasets.pack.ImageShardLoader;
import io.attnspark.datasets.pack.PackedDataset;
import io.attnspark.datasets.pack.TrainingData;
import io.attnspark.datasets.skip.SkipAccumulator;
import io.attnspark.train.config.ConfigLoader;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.deploy.SparkHadoopUtil;
import org.deeplearning4j.spark.impl.graph.SparkComputationGraph;
import org.deeplearning4j.spark.impl.paramavg.ParameterAveragingTrainingMaster;
import org.nd4j.evaluation.classification.Evaluation;

import java.io.IOException;
import java.io.PrintStream;
import java.util.List;
import java.util.Map;

/**
 * {@code attnspark evaluate}: a checkpoint's accuracy on a dataset's validation split, computed on Spark with the
 * trainer's evaluation path (packed shards, {@link ImageShardLoader} with the eval transform, DL4J's doEvaluation), so
 * a large validation set is spread over the cluster. Everything that can be checked is checked before Spark starts.
 */
public final class CheckpointEvaluator {

    /**
     * Where and how to evaluate.
     *
     * @param modelUri an epoch-NNNN.zip (or .json) or a checkpoint folder, any Hadoop URI
     * @param dataUri  a packed dataset or an image folder (its val/ is packed first, under {@code packRoot})
     * @param master   the Spark master, or null for spark-submit's (else local[*])
     * @param batch    images per shard when the folder is packed
     */
    public record Request(String modelUri, String dataUri, String packRoot, String master, int batch) { }

    private CheckpointEvaluator() { }

    public static EvaluationReport evaluate(Request request, PrintStream out) throws IOException {
        var sparkConf = SparkSetup.conf("attnspark evaluate", request.master(), Map.of());
        Configuration hadoop = SparkHadoopUtil.get().newConfiguration(sparkConf);
        TrainingData data;
        try {
            data = TrainingData.check(request.dataUri(), hadoop);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--data: " + e.getMessage(), e);
        }
        var restored = Checkpoints.read(request.modelUri(), hadoop);
        var state = restored.state();
        if (state.config() == null) {
            throw new IllegalArgumentException("--model: " + request.modelUri() + " was written before checkpoints recorded"
                    + " their run config, so its input size is unknown; evaluate a checkpoint of a newer run");
        }
        List<String> classes = state.classIds() != null ? state.classIds() : data.classIds();
        if (!classes.equals(data.classIds())) {
            throw new IllegalArgumentException("--data: its " + data.classIds().size() + " classes differ from the "
                    + classes.size() + " the checkpoint was trained on; evaluate on the dataset the run used");
        }
        int imageSize = ConfigLoader.fromMap(state.config()).model().imageSize();
        out.printf("evaluating %s (run %s, %d epochs) on %s%n", request.modelUri(), state.runId(), state.epochsDone(),
                data.describe());

        try (var sc = new JavaSparkContext(sparkConf)) {
            PackedDataset packed = data.packValidation(sc, sc.hadoopConfiguration(), request.packRoot(), request.batch(),
                    ConfigLoader.fromMap(state.config()).data().packSeed());
            var skips = SkipAccumulator.register(sc, "skipped validation images");
            var loader = new ImageShardLoader(classes, imageSize, false, skips);
            var master = new ParameterAveragingTrainingMaster.Builder(packed.batchSize()).build();
            var sparkNet = new SparkComputationGraph(sc, restored.network(), master);
            List<String> shards = packed.shardUris(ImageLayout.VAL);
            var evaluation = (Evaluation) sparkNet.doEvaluation(sc.parallelize(shards, Math.max(1, sc.defaultParallelism())),
                    loader, new Evaluation(classes, 5))[0];
            if (!skips.isZero()) {
                out.println("skipped validation images: " + skips.value().summary());
            }
            return EvaluationReport.of(classes, evaluation);
        }
    }
}
