package io.attnspark.cli;

import io.attnspark.datasets.fashion.FashionMnistConverter;
import io.attnspark.record.RunRecord;
import io.attnspark.train.Trainer;
import io.attnspark.train.cluster.LoopbackCluster;
import io.attnspark.train.cluster.SparkHome;
import io.attnspark.train.config.ConfigLoader;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

@Command(name = "scaling", mixinStandardHelpOptions = true,
        header = "Images/s with 1..N workers on a loopback cluster.",
        description = {"Train the same job with 1..N workers on a loopback standalone cluster (one core and one native "
                + "thread per worker) and report images/s and the scaling efficiency against 1 worker."})
final class BenchScalingCommand implements Callable<Integer> {

    @Option(names = "--max-workers", defaultValue = "2", description = "largest worker count (default: ${DEFAULT-VALUE})")
    int maxWorkers;

    @Option(names = "--epochs", defaultValue = "1", description = "epochs per run (default: ${DEFAULT-VALUE})")
    int epochs;

    @Option(names = "--train-per-class", defaultValue = "200", description = "Fashion-MNIST images per class (default: ${DEFAULT-VALUE})")
    int perClass;

    @Option(names = "--dir", defaultValue = ".cache/bench-scaling", description = "working directory (default: ${DEFAULT-VALUE})")
    Path dir;

    @Option(names = "--set", paramLabel = "KEY=VALUE", description = "config override for every run, as in train")
    List<String> sets = new ArrayList<>();

    @Override
    public Integer call() throws Exception {
        if (maxWorkers < 1 || epochs < 1) {
            throw new IllegalArgumentException("--max-workers and --epochs must be at least 1");
        }
        Path data = dir.resolve("fashion-mnist");
        new FashionMnistConverter(FashionMnistConverter.locate()).convert(data,
                new FashionMnistConverter.Limits(DatasetsCommand.limit(perClass, "--train-per-class"), 20));
        Path jar = Path.of(AttnSpark.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException("bench scaling runs from the packaged trainer (bin/attnspark), not from " + jar);
        }
        Path root = Path.of(System.getProperty("attnspark.root", "."));
        var home = SparkHome.assemble(jar.resolveSibling("lib"), root.resolve("cluster-config/spark-home/bin"), dir.resolve("spark-home"));
        var rates = new ArrayList<Double>();
        try (var cluster = LoopbackCluster.start(home, dir.resolve("cluster"), 1, maxWorkers, (2 * maxWorkers) + "g")) {
            for (int workers = 1; workers <= maxWorkers; workers++) {
                var overrides = new ArrayList<>(List.of("data.path=" + data.toAbsolutePath(),
                        "results=" + dir.resolve("results").toAbsolutePath(), "workDir=" + dir.resolve("work").toAbsolutePath(),
                        "model.backbone=resnet18", "model.width=0.25", "model.imageSize=32", "recipe.epochs=" + epochs,
                        "spark.master=" + cluster.masterUrl(), "spark.workers=" + workers, "spark.batchSizePerWorker=32",
                        "spark.conf={spark.jars: '" + jar + "', spark.cores.max: '" + workers + "', spark.executor.cores: '1',"
                                + " spark.executor.memory: '1g', spark.executorEnv.OMP_NUM_THREADS: '1',"
                                + " spark.driver.host: '" + LoopbackCluster.HOST + "'}"));
                overrides.addAll(sets);
                RunRecord record = new Trainer(ConfigLoader.load(null, overrides), System.out, false).run();
                rates.add(record.imagesPerSecond());
            }
        }
        System.out.println();
        System.out.println("| workers | images/s | speed-up | efficiency |");
        System.out.println("|---:|---:|---:|---:|");
        for (int i = 0; i < rates.size(); i++) {
            double speedup = rates.get(i) / rates.get(0);
            System.out.printf("| %d | %.1f | %.2fx | %.0f%% |%n", i + 1, rates.get(i), speedup, 100 * speedup / (i + 1));
        }
        return 0;
    }
}
