package io.attnspark.train;

import io.attnspark.datasets.image.ImageDecoder;
import io.attnspark.datasets.pack.PackedDataset;
import io.attnspark.datasets.pack.TrainingData;
import io.attnspark.model.Models;
import io.attnspark.model.ResolvedModel;
import io.attnspark.record.DatasetIdentity;
import io.attnspark.record.EpochMetrics;
import io.attnspark.record.RunRecord;
import io.attnspark.record.RunRecordWriter;
import io.attnspark.record.RunStatus;
import io.attnspark.record.WriteMode;
import io.attnspark.train.config.ConfigLoader;
import io.attnspark.train.config.RecipeConfig;
import io.attnspark.train.config.SparkConfig;
import io.attnspark.train.config.TrainConfig;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.deploy.SparkHadoopUtil;
import org.deeplearning4j.nn.conf.CacheMode;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.graph.LayerVertex;
import org.deeplearning4j.nn.conf.layers.BaseLayer;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.WorkspaceMode;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.spark.impl.graph.SparkComputationGraph;
import org.nd4j.evaluation.classification.Evaluation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.learning.config.Adam;

import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Trains one network on Spark with the configured training master (parameter averaging or gradient sharing) and
 * writes its result record.
 * Each epoch is fed in chunks of shards so that progress (images/s, ETA) is printed while it runs.
 */
public final class Trainer {


    private final TrainConfig config;
    private final PrintStream out;
    private final boolean resume;

    /** @param resume continue from the newest complete checkpoint of the same setup, if there is one */
    public Trainer(TrainConfig config, PrintStream out, boolean resume) {
        this.config = config;
        this.out = out;
        this.resume = resume;
    }

    /** Runs the whole job; the record is written even when training fails, with status failed. */
    public RunRecord run() throws IOException {
        RunChecks.validate(config);
        var model = config.model();
        var sparkConf = SparkSetup.conf("attnspark train " + model.backbone() + "+" + model.attention(),
                config.spark().master(), config.spark().conf());
        if (config.spark().trainingMaster() == SparkConfig.TrainingMaster.SHARING) {
            SparkSetup.addExecutorJavaOption(sparkConf, TrainingMasters.executorJavaOption());
        }
        TaskGpu.checkTaskAmount(sparkConf);
        // the Hadoop settings the context will have (spark.hadoop.*, HADOOP_CONF_DIR), without starting it
        TrainingData data = RunChecks.preflight(config, SparkHadoopUtil.get().newConfiguration(sparkConf));
        var backend = NativeBackend.check();
        out.println("backend: " + backend.describe() + "; JPEG decoder " + ImageDecoder.jpegDecoder());
        if (!backend.fast() && !Boolean.getBoolean("attnspark.allowSlowBackend")) {
            throw new IllegalStateException("oneDNN layer helpers are not active (" + backend.describe() + "): CPU training would be"
                    + " 12-20x slower. Use the nd4j-native linux-x86_64-onednn jar, or pass -Dattnspark.allowSlowBackend=true");
        }
        if (!backend.unsupportedGpus().isEmpty()) {
            throw new IllegalStateException(backend.unsupportedGpus().get(0));
        }
        try (var sc = new JavaSparkContext(sparkConf)) {
            var run = new RunRecordBuilder(config, Instant.now(), sc);
            try {
                RunRecord record = train(run, data);
                write(record, sc.hadoopConfiguration());
                return record;
            } catch (RuntimeException | IOException e) {
                write(run.failed(e), sc.hadoopConfiguration());
                throw e;
            }
        }
    }

    /** The whole run after the context has started: data, network, training master, then the epochs. */
    private RunRecord train(RunRecordBuilder run, TrainingData source) throws IOException {
        Configuration hadoop = run.sc.hadoopConfiguration();
        PackedDataset data = source.openOrPack(run.sc, hadoop, config.packRoot(), config.spark().batchSizePerWorker(),
                config.data().packSeed(), out::println);
        ResolvedModel model = config.model().toSpec(data.classIds().size()).resolve();
        run.classIds = data.classIds();
        run.dataset = new DatasetIdentity(data.fingerprint(), new Path(config.data().path()).getName(),
                data.numClasses(), data.imageCount("train"), data.imageCount("val"));
        run.workers = WorkerCount.of(run.sc, config.spark().workers(), out);
        int batch = data.batchSize();
        int globalBatch = run.workers * batch;
        var checkpoints = checkpoints(hadoop, batch);
        ComputationGraph network = restoreOrBuild(run, checkpoints, model, globalBatch, hadoop);
        run.parameterCount = Models.parameterCount(model);
        printSetup(run, model, data, batch);
        var sparkNet = sparkNetwork(run, network, batch, hadoop);
        var feed = TrainingFeed.of(run.sc, data, model, config.data(), run.workers);
        var progress = new ProgressPrinter(out, config.recipe().epochs(), config.spark().averagingFrequency());

        var timesSoFar = TrainingTimes.NONE;
        for (int epoch = run.epochs.size(); epoch < config.recipe().epochs(); epoch++) {
            double lr = config.recipe().learningRate(epoch, globalBatch);
            sparkNet.getNetwork().setLearningRate(lr);
            startEpoch(sparkNet.getNetwork(), model, epoch);
            var epochFeed = feed.epoch(config.recipe().seed(), epoch);
            double trainSeconds = fit(run, sparkNet, feed, epochFeed, progress, epoch, globalBatch);
            var timesNow = TrainingTimes.of(sparkNet.getSparkTrainingStats(), run.workers);
            var times = timesNow.minus(timesSoFar);
            timesSoFar = timesNow;
            EpochMetrics metrics = evaluate(run, sparkNet, feed, epochFeed, epoch, trainSeconds, times);
            run.epochs.add(metrics);
            checkpoints.save(sparkNet.getNetwork(), run.state());
            progress.epochDone(metrics, lr, times);
            progress.skips("training", feed.trainSkips());
            progress.skips("validation", feed.evalSkips());
        }
        return run.record(RunStatus.COMPLETED, null);
    }

    /** The network of the newest checkpoint with {@code --resume}, else a new one (initialized from initFrom if set). */
    private ComputationGraph restoreOrBuild(RunRecordBuilder run, Checkpoints checkpoints, ResolvedModel model,
                                            int globalBatch, Configuration hadoop) throws IOException {
        var restored = resume ? checkpoints.latest() : Optional.<Checkpoints.Restored>empty();
        if (restored.isPresent()) {
            var state = restored.get().state();
            run.resumeFrom(state);
            out.printf("resuming run %s after epoch %d from %s%n", run.id, state.epochsDone(), checkpoints.dir());
            return restored.get().network();
        }
        if (resume) {
            out.println("no checkpoint in " + checkpoints.dir() + "; starting from scratch");
        }
        var network = new ComputationGraph(configure(model, config.recipe(), globalBatch));
        network.init();
        if (config.model().initFrom() != null) {
            InitialWeights.load(network, model, config.model().initFrom(), hadoop);
            out.println("initialized the network from " + config.model().initFrom());
        }
        return network;
    }

    private void printSetup(RunRecordBuilder run, ResolvedModel model, PackedDataset data, int batch) {
        var recipe = config.recipe();
        int globalBatch = run.workers * batch;
        out.printf("run %s: %s + %s, %d classes, %d train / %d val images, %s augmentation, %d workers x batch %d,"
                        + " master %s%s%n", run.id, model.backbone(), model.attentionName(), model.numClasses(),
                data.imageCount("train"), data.imageCount("val"), config.data().augment().configName(), run.workers, batch,
                run.sc.master(), taskThreads(run));
        out.printf("learning rate %.4g: recipe.lr %.4g is for a global batch of %d, scaled to %d (%d workers x %d)%n",
                recipe.learningRate(run.epochs.size(), globalBatch), recipe.lr(), RecipeConfig.REFERENCE_BATCH, globalBatch,
                run.workers, batch);
    }

    /** How many native threads each averaging task trains with, when attnspark sets it ({@link TaskThreads}). */
    private String taskThreads(RunRecordBuilder run) {
        int threads = TaskThreads.perTask(run.sc.master(), run.sc.getConf(), run.workers, Runtime.getRuntime().availableProcessors());
        return sharing() || threads == 0 ? "" : ", " + threads + " native thread" + (threads == 1 ? "" : "s") + " per worker";
    }

    /** The network under the configured training master, collecting the stats that split worker time from overhead. */
    private SparkComputationGraph sparkNetwork(RunRecordBuilder run, ComputationGraph network, int batch,
                                               Configuration hadoop) {
        SparkSetup.useSystemClockForStats();
        var master = TrainingMasters.create(config.spark(), run.sc.getConf(), run.sc.master(), config.recipe().seed(),
                run.workers, batch, !isLocalFileSystem(hadoop), config.workDir().replaceAll("/+$", "") + "/export/" + run.id,
                run.gpuAssignments);
        var sparkNet = new SparkComputationGraph(run.sc, network, master);
        sparkNet.setCollectTrainingStats(true);
        return sparkNet;
    }

    /** One epoch of training, fed in chunks of shards so that progress is printed while it runs; returns its seconds. */
    private double fit(RunRecordBuilder run, SparkComputationGraph sparkNet, TrainingFeed feed, TrainingFeed.Epoch epochFeed,
                       ProgressPrinter progress, int epoch, int globalBatch) {
        List<String> order = epochFeed.shards();
        long t0 = System.nanoTime();
        int chunk = progress.chunkSize(order.size(), run.workers);
        // a chunk is whole averaging rounds; per-round rates set each round's rate before it starts
        boolean perRound = config.recipe().schedulePer() == RecipeConfig.SchedulePer.ROUND;
        int step = perRound ? run.workers * config.spark().averagingFrequency() : chunk;
        for (int from = 0; from < order.size(); from += chunk) {
            int end = Math.min(order.size(), from + chunk);
            for (int start = from; start < end; start += step) {
                if (perRound) {
                    double at = epoch + (double) start / order.size();
                    sparkNet.getNetwork().setLearningRate(config.recipe().learningRate(at, globalBatch));
                }
                sparkNet.fitPaths(run.sc.parallelize(order.subList(start, Math.min(end, start + step)), run.workers),
                        epochFeed.loader());
            }
            progress.progress(epoch, (double) end / order.size(), feed.trainImages(), System.nanoTime() - t0,
                    sharing() ? Double.NaN : sparkNet.getScore());
        }
        return (System.nanoTime() - t0) / 1e9;
    }

    /** Top-1 and top-5 on the validation shards, with the epoch's training loss and speed. */
    private EpochMetrics evaluate(RunRecordBuilder run, SparkComputationGraph sparkNet, TrainingFeed feed,
                                  TrainingFeed.Epoch epochFeed, int epoch, double trainSeconds, TrainingTimes times) {
        long e0 = System.nanoTime();
        var evaluation = (Evaluation) sparkNet.doEvaluation(feed.valShards(), feed.evalLoader(),
                new Evaluation(feed.classIds(), 5))[0];
        double evalSeconds = (System.nanoTime() - e0) / 1e9;
        // gradient sharing keeps no score while it trains: sample the loss on a few training shards instead
        double trainLoss = sharing()
                ? SampledTrainLoss.of(run.sc, sparkNet, epochFeed.shards(), epochFeed.loader(), run.workers, 2)
                : sparkNet.getScore();
        long trainImages = feed.trainImages();
        return new EpochMetrics(epoch + 1, trainLoss, evaluation.accuracy(), evaluation.topNAccuracy(), trainImages,
                trainSeconds, evalSeconds, trainImages / trainSeconds, times.workerSeconds(), times.overheadSeconds());
    }

    private boolean sharing() {
        return config.spark().trainingMaster() == SparkConfig.TrainingMaster.SHARING;
    }

    /**
     * Settings inside the network that change per epoch, which the module owns ({@code AttentionModule.startEpoch}): set
     * in the configuration, which Spark ships to the workers on each fit.
     */
    static void startEpoch(ComputationGraph network, ResolvedModel model, int epoch) {
        model.attention().module().startEpoch(network, epoch);
    }

    /** The network of a run, with the recipe's updater, regularization and loss. */
    public static ComputationGraphConfiguration configure(ResolvedModel model, RecipeConfig recipe, int globalBatch) {
        var conf = Models.configure(model, baseConfiguration(recipe, globalBatch), recipe.labelSmoothing());
        // M2.1 copies a global WeightDecay into every layer twice (LayerValidation adds non-L1/L2 terms unconditionally)
        for (var vertex : conf.getVertices().values()) {
            if (vertex instanceof LayerVertex layerVertex && layerVertex.getLayerConf().getLayer() instanceof BaseLayer layer
                    && layer.getRegularization() != null) {
                layer.setRegularization(layer.getRegularization().stream().distinct().toList());
            }
        }
        return conf;
    }

    /** Everything global of the network: updater, regularization (weights only, never biases or BN), precision, caches. */
    public static NeuralNetConfiguration.Builder baseConfiguration(RecipeConfig recipe, int globalBatch) {
        double lr = recipe.learningRate(0, globalBatch);
        var base = new NeuralNetConfiguration.Builder().seed(recipe.seed()).dataType(DataType.FLOAT);
        switch (recipe.optimizer()) {
            // torch's Nesterov form, so that a rate change reaches the momentum as in PyTorch; L2 is torch's weight_decay
            case SGD -> base.updater(new TorchNesterov(lr, recipe.momentum())).l2(recipe.weightDecay());
            // decoupled decay, scaled by the learning rate as in torch's AdamW
            case ADAMW -> base.updater(Adam.builder().learningRate(lr).beta1(recipe.momentum()).build())
                    .weightDecay(recipe.weightDecay(), true);
        }
        return base
                .trainingWorkspaceMode(WorkspaceMode.ENABLED)
                .inferenceWorkspaceMode(WorkspaceMode.ENABLED)
                // without it, a conv layer with an activation computes its forward pass again in backward
                .cacheMode(CacheMode.DEVICE);
    }

    private Checkpoints checkpoints(Configuration hadoop, int batch) throws IOException {
        Map<String, Object> tree = ConfigLoader.toMap(config);
        String key = Checkpoints.setupKey(section(tree, "data"), section(tree, "model"), section(tree, "recipe"), batch);
        return Checkpoints.forSetup(config.workDir(), config.model().backbone(), config.model().attention(), key, hadoop);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> section(Map<String, Object> tree, String name) {
        return (Map<String, Object>) tree.get(name);
    }

    private static boolean isLocalFileSystem(Configuration hadoop) {
        return "file".equals(URI.create(hadoop.get("fs.defaultFS", "file:///")).getScheme());
    }

    private void write(RunRecord record, Configuration hadoop) throws IOException {
        // a resumed run replaces the failed record its interrupted attempt may have left
        var file = new RunRecordWriter(hadoop).write(record, config.results(), WriteMode.OVERWRITE);
        out.println("result record: " + file);
    }

    /** {@code h:mm:ss}, for progress lines. */
    public static String clock(double seconds) {
        long s = Math.round(seconds);
        return String.format("%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60);
    }
}
