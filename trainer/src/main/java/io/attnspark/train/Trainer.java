package io.attnspark.train;

import io.attnspark.datasets.pack.ImageShardLoader;
import io.attnspark.datasets.pack.PackedDataset;
import io.attnspark.datasets.pack.TrainingData;
import io.attnspark.datasets.skip.SkipAccumulator;
import io.attnspark.model.Models;
import io.attnspark.model.ResolvedModel;
import io.attnspark.record.DatasetIdentity;
import io.attnspark.record.EpochMetrics;
import io.attnspark.record.Experiments;
import io.attnspark.record.Provenance;
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
import org.apache.spark.api.java.JavaRDD;
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
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * Trains one network on Spark with the configured training master (parameter averaging or gradient sharing) and
 * writes its result record.
 * Each epoch is fed in chunks of shards so that progress (images/s, ETA) is printed while it runs.
 */
public final class Trainer {

    private static final Logger LOG = LoggerFactory.getLogger(Trainer.class);
    private static final int PROGRESS_LINES_PER_EPOCH = 10;

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
        out.println("backend: " + backend.describe());
        if (!backend.fast() && !Boolean.getBoolean("attnspark.allowSlowBackend")) {
            throw new IllegalStateException("oneDNN layer helpers are not active (" + backend.describe() + "): CPU training would be"
                    + " 12-20x slower. Use the nd4j-native linux-x86_64-onednn jar, or pass -Dattnspark.allowSlowBackend=true");
        }
        if (!backend.unsupportedGpus().isEmpty()) {
            throw new IllegalStateException(backend.unsupportedGpus().get(0));
        }
        try (var sc = new JavaSparkContext(sparkConf)) {
            var run = new RunContext(Instant.now(), sc);
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

    private RunRecord train(RunContext run, TrainingData source) throws IOException {
        Configuration hadoop = run.sc.hadoopConfiguration();
        PackedDataset data = pack(source, run.sc, hadoop);
        ResolvedModel model = config.model().toSpec(data.classIds().size()).resolve();
        run.classIds = data.classIds();
        run.dataset = new DatasetIdentity(data.fingerprint(), new Path(config.data().path()).getName(),
                data.numClasses(), data.imageCount("train"), data.imageCount("val"));
        int workers = workers(run.sc);
        run.workers = workers;
        int batch = data.batchSize();
        int globalBatch = workers * batch;
        var recipe = config.recipe();

        var checkpoints = checkpoints(hadoop, batch);
        var restored = resume ? checkpoints.latest() : Optional.<Checkpoints.Restored>empty();
        ComputationGraph network;
        if (restored.isPresent()) {
            var state = restored.get().state();
            run.resumeFrom(state);
            network = restored.get().network();
            out.printf("resuming run %s after epoch %d from %s%n", run.id, state.epochsDone(), checkpoints.dir());
        } else {
            if (resume) {
                out.println("no checkpoint in " + checkpoints.dir() + "; starting from scratch");
            }
            network = new ComputationGraph(configure(model, recipe, globalBatch));
            network.init();
            if (config.model().initFrom() != null) {
                loadTorchWeights(network, model, config.model().initFrom(), hadoop);
                out.println("initialized the network from " + config.model().initFrom());
            }
        }
        run.parameterCount = Models.parameterCount(model);
        out.printf("run %s: %s + %s, %d classes, %d train / %d val images, %s augmentation, %d workers x batch %d,"
                        + " master %s%n", run.id, model.backbone(), model.attentionName(), model.numClasses(),
                data.imageCount("train"), data.imageCount("val"), config.data().augment().configName(), workers, batch,
                run.sc.master());
        out.printf("learning rate %.4g: recipe.lr %.4g is for a global batch of %d, scaled to %d (%d workers x %d)%n",
                recipe.learningRate(run.epochs.size(), globalBatch), recipe.lr(), RecipeConfig.REFERENCE_BATCH, globalBatch,
                workers, batch);

        SparkSetup.useSystemClockForStats();
        var master = TrainingMasters.create(config.spark(), run.sc.getConf(), run.sc.master(), recipe.seed(), workers, batch,
                !isLocalFileSystem(hadoop), config.workDir().replaceAll("/+$", "") + "/export/" + run.id, run.gpuAssignments);
        var sparkNet = new SparkComputationGraph(run.sc, network, master);
        sparkNet.setCollectTrainingStats(true);
        // bad images are skipped on the workers; the counts come back to the driver through accumulators
        var trainSkips = SkipAccumulator.register(run.sc, "skipped training images");
        var evalSkips = SkipAccumulator.register(run.sc, "skipped validation images");
        var augment = config.data().augment();
        var trainLoader = new ImageShardLoader(data.classIds(), model.imageSize(), true, trainSkips)
                .augmented(augment, config.data().padding());
        var evalLoader = new ImageShardLoader(data.classIds(), model.imageSize(), false, evalSkips)
                .augmented(augment, config.data().padding());
        List<String> trainShards = data.shardUris("train");
        JavaRDD<String> valShards = run.sc.parallelize(data.shardUris("val"), workers);
        long trainImages = data.imageCount("train");

        var timesBefore = TrainingTimes.NONE;
        boolean sharing = config.spark().trainingMaster() == SparkConfig.TrainingMaster.SHARING;
        for (int epoch = run.epochs.size(); epoch < recipe.epochs(); epoch++) {
            double lr = recipe.learningRate(epoch, globalBatch);
            sparkNet.getNetwork().setLearningRate(lr);
            startEpoch(sparkNet.getNetwork(), model, epoch);
            var order = new ArrayList<>(trainShards);
            Collections.shuffle(order, new Random(recipe.seed() * 31 + epoch));
            // crops, flips and in-shard order repeat for the same seed and epoch (a resumed run sees the same batches)
            var epochLoader = trainLoader.seeded(recipe.seed(), epoch);

            long t0 = System.nanoTime();
            int chunk = chunkSize(order.size(), workers);
            // a chunk is whole averaging rounds; per-round rates set each round's rate before it starts
            boolean perRound = recipe.schedulePer() == RecipeConfig.SchedulePer.ROUND;
            int step = perRound ? workers * config.spark().averagingFrequency() : chunk;
            for (int from = 0; from < order.size(); from += chunk) {
                int end = Math.min(order.size(), from + chunk);
                for (int start = from; start < end; start += step) {
                    if (perRound) {
                        sparkNet.getNetwork().setLearningRate(recipe.learningRate(epoch + (double) start / order.size(), globalBatch));
                    }
                    sparkNet.fitPaths(run.sc.parallelize(order.subList(start, Math.min(end, start + step)), workers), epochLoader);
                }
                progress(epoch, (double) end / order.size(), trainImages, System.nanoTime() - t0,
                        sharing ? Double.NaN : sparkNet.getScore());
            }
            double trainSeconds = (System.nanoTime() - t0) / 1e9;
            var timesNow = TrainingTimes.of(sparkNet.getSparkTrainingStats(), workers);
            var times = timesNow.minus(timesBefore);
            timesBefore = timesNow;

            long e0 = System.nanoTime();
            var evaluation = (Evaluation) sparkNet.doEvaluation(valShards, evalLoader, new Evaluation(data.classIds(), 5))[0];
            double evalSeconds = (System.nanoTime() - e0) / 1e9;
            double trainLoss = sharing ? SampledTrainLoss.of(run.sc, sparkNet, order, epochLoader, workers, 2) : sparkNet.getScore();
            var metrics = new EpochMetrics(epoch + 1, trainLoss, evaluation.accuracy(), evaluation.topNAccuracy(),
                    trainImages, trainSeconds, evalSeconds, trainImages / trainSeconds, times.workerSeconds(), times.overheadSeconds());
            run.epochs.add(metrics);
            checkpoints.save(sparkNet.getNetwork(), run.state());
            out.printf("epoch %d/%d  lr %.4f  loss %.4f  top-1 %.2f%%  top-5 %.2f%%  %.0f img/s  train %s"
                            + " (%s)  eval %s%n",
                    epoch + 1, recipe.epochs(), lr, metrics.trainLoss(), 100 * metrics.top1(), 100 * metrics.top5(),
                    metrics.imagesPerSecond(), clock(trainSeconds), times.describe(),
                    clock(evalSeconds));
            reportSkips("training", trainSkips);
            reportSkips("validation", evalSkips);
        }
        return run.record(RunStatus.COMPLETED, null);
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
                // without DEVICE, every conv backward pass recomputes its forward pass
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

    private void reportSkips(String what, SkipAccumulator skips) {
        if (!skips.isZero()) {
            out.println("  skipped " + what + " images so far: " + skips.value().summary());
        }
    }

    /** Shards per fitPaths call: whole averaging rounds, about {@value #PROGRESS_LINES_PER_EPOCH} calls per epoch. */
    private int chunkSize(int shards, int workers) {
        int round = workers * config.spark().averagingFrequency();
        int rounds = Math.max(1, (int) Math.ceil((double) shards / round / PROGRESS_LINES_PER_EPOCH));
        return rounds * round;
    }

    private void progress(int epoch, double done, long epochImages, long elapsedNanos, double loss) {
        double seconds = elapsedNanos / 1e9;
        double rate = done * epochImages / seconds;
        double eta = seconds / done * (1 - done) + seconds / done * (config.recipe().epochs() - epoch - 1);
        // gradient sharing reports no score while it trains
        String lossText = Double.isNaN(loss) ? "n/a" : String.format("%.4f", loss);
        out.printf("  epoch %d  %3.0f%%  %.0f img/s  loss %s  ETA %s%n", epoch + 1, 100 * done, rate, lossText, clock(eta));
    }

    private PackedDataset pack(TrainingData data, JavaSparkContext sc, Configuration hadoop) throws IOException {
        if (data.packed() != null) {
            return data.packed();
        }
        int batch = config.spark().batchSizePerWorker();
        long seed = config.data().packSeed();
        out.println("packing " + data.describe() + " into " + data.packUri(config.packRoot(), batch, seed));
        var packed = data.packInto(sc, hadoop, config.packRoot(), batch, seed);
        out.println(packed.summary());
        return packed;
    }

    /** The configured workers, else one per task slot of the cluster: local[N] gives N, a cluster its executors' cores. */
    private int workers(JavaSparkContext sc) {
        if (config.spark().workers() != null) {
            return config.spark().workers();
        }
        int local = SparkConfig.localThreads(sc.master(), Runtime.getRuntime().availableProcessors());
        if (local > 0) {
            return local;
        }
        awaitExecutors(sc);
        int taskCpus = sc.getConf().getInt("spark.task.cpus", 1);
        return Math.max(1, sc.defaultParallelism() / taskCpus);
    }

    /** Executors register after the context starts; wait until their number holds still (or a minute passes). */
    private void awaitExecutors(JavaSparkContext sc) {
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(1);
        int seen = -1;
        long stableSince = System.nanoTime();
        while (System.nanoTime() < deadline) {
            int executors = sc.sc().statusTracker().getExecutorInfos().length - 1;
            if (executors != seen) {
                seen = executors;
                stableSince = System.nanoTime();
            } else if (executors > 0 && System.nanoTime() - stableSince > TimeUnit.SECONDS.toNanos(3)) {
                return;
            }
            try {
                Thread.sleep(250);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
        out.println("executors still registering after a minute; set spark.workers to fix the number of workers");
    }

    private static boolean isLocalFileSystem(Configuration hadoop) {
        return "file".equals(URI.create(hadoop.get("fs.defaultFS", "file:///")).getScheme());
    }

    private void write(RunRecord record, Configuration hadoop) throws IOException {
        // a resumed run replaces the failed record its interrupted attempt may have left
        var file = new RunRecordWriter(hadoop).write(record, config.results(), WriteMode.OVERWRITE);
        out.println("result record: " + file);
    }

    private String runId(Instant started) {
        String time = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss").withZone(ZoneOffset.UTC).format(started);
        return config.model().backbone() + "-" + config.model().attention() + "-" + time + "-"
                + UUID.randomUUID().toString().substring(0, 6);
    }

    /** {@code h:mm:ss}, for progress lines. */
    public static String clock(double seconds) {
        long s = Math.round(seconds);
        return String.format("%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60);
    }

    /** Copies the state dict at {@code uri} from its file system and loads it; every key must fit (see Models.loadTorchWeights). */
    static void loadTorchWeights(ComputationGraph network, ResolvedModel model, String uri, Configuration hadoop) throws IOException {
        Path source = new Path(uri);
        java.nio.file.Path local = Files.createTempFile("attnspark-init-", ".npz");
        try {
            source.getFileSystem(hadoop).copyToLocalFile(false, source, new Path(local.toUri()), true);
            Models.loadTorchWeights(network, model, local);
        } finally {
            Files.deleteIfExists(local);
        }
    }

    /** What a run has gathered so far, so a failed run still produces a record and a resumed one continues it. */
    private final class RunContext {
        final JavaSparkContext sc;
        final List<EpochMetrics> epochs = new ArrayList<>();
        String id;
        Instant started;
        boolean resumed;
        long parameterCount;
        int workers = 1;
        List<String> classIds;
        DatasetIdentity dataset;
        final TaskGpu.Assignments gpuAssignments;

        RunContext(Instant started, JavaSparkContext sc) {
            this.started = started;
            this.sc = sc;
            this.id = runId(started);
            this.gpuAssignments = TaskGpu.Assignments.register(sc);
        }

        void resumeFrom(Checkpoints.State state) {
            id = state.runId();
            started = Instant.parse(state.startedAt());
            epochs.addAll(state.epochs());
            resumed = true;
        }

        Checkpoints.State state() {
            return new Checkpoints.State(id, started.toString(), epochs.size(), List.copyOf(epochs), ConfigLoader.toMap(config),
                    classIds);
        }

        RunRecord failed(Exception e) {
            LOG.error("run {} failed", id, e);
            return record(RunStatus.FAILED, e.getClass().getSimpleName() + ": " + e.getMessage());
        }

        RunRecord record(RunStatus status, String error) {
            Instant finished = Instant.now();
            var model = config.model();
            Map<String, Object> stored = ConfigLoader.toMap(config);
            return new RunRecord(RunRecord.SCHEMA_VERSION, id, status, error, model.backbone(), model.attention(),
                    model.attentionOptions(), model.position().configName(), model.defaultPlacement(),
                    config.recipe().seed(), stored, epochs,
                    RunRecord.finalTop1Of(epochs), RunRecord.finalTop5Of(epochs), RunRecord.bestTop1Of(epochs),
                    parameterCount, Duration.between(started, finished).toMillis() / 1000.0,
                    RunRecord.imagesPerSecondOf(epochs), sc.master(), workers, resumed,
                    Provenance.current(sc.version(), started, finished), dataset,
                    Experiments.of(stored, dataset, workers, List.of()), gpuAssignments.value());
        }
    }
}
