package io.attnspark.cli;

import io.attnspark.bench.AccuracyParity;
import io.attnspark.bench.TorchBenchmark;
import io.attnspark.bench.TorchTraining;
import io.attnspark.datasets.image.Augmentation;
import io.attnspark.train.RunChecks;
import io.attnspark.train.Trainer;
import io.attnspark.train.config.ConfigLoader;
import io.attnspark.train.config.TrainConfig;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code attnspark bench parity}: one recipe trained by attnspark and by PyTorch (parity_torch.py) on the same
 * Fashion-MNIST JPEG folders, seed by seed, and a Welch test of the final top-1.
 */
@Command(name = "parity", mixinStandardHelpOptions = true, sortOptions = false,
        header = "Final top-1 of one recipe in attnspark and in PyTorch.",
        description = {"Train one recipe with attnspark (one Spark worker, local[1]) and with PyTorch "
                + "(trainer/src/main/python/parity_torch.py: torchvision's resnet18 with attnspark's width and small stem, "
                + "the same SGD Nesterov, weight decay on weights only, label smoothing, warmup + cosine per epoch and "
                + "augmentation) on Fashion-MNIST converted to the ImageNet layout, for every seed; print each final "
                + "top-1, mean ± std per framework and Welch's t-test of the difference. Each framework draws its own "
                + "initial weights and batches from the seed."})
final class BenchParityCommand implements Callable<Integer> {

    @Option(names = "--out", paramLabel = "DIR", defaultValue = "parity-output", description = "working directory (default: ${DEFAULT-VALUE})")
    Path out;

    @Option(names = "--train-per-class", defaultValue = "500", description = "training images per class (default: ${DEFAULT-VALUE})")
    int trainPerClass;

    @Option(names = "--val-per-class", defaultValue = "300", description = "validation images per class (default: ${DEFAULT-VALUE})")
    int valPerClass;

    @Option(names = "--epochs", defaultValue = "4", description = "epochs per run (default: ${DEFAULT-VALUE})")
    int epochs;

    @Option(names = "--seeds", split = ",", defaultValue = "1,2,3", description = "seeds, one run per framework each (default: ${DEFAULT-VALUE})")
    List<Long> seeds;

    @Option(names = "--batch", defaultValue = "64", description = "batch size (default: ${DEFAULT-VALUE})")
    int batch;

    @Option(names = "--lr", defaultValue = "0.4", description = "learning rate for a batch of 256, scaled linearly (default: ${DEFAULT-VALUE})")
    double lr;

    @Option(names = "--warmup", defaultValue = "1", description = "warmup epochs (default: ${DEFAULT-VALUE})")
    int warmup;

    @Option(names = "--label-smoothing", defaultValue = "0.1", description = "(default: ${DEFAULT-VALUE})")
    double labelSmoothing;

    @Option(names = "--weight-decay", defaultValue = "1e-4", description = "on conv and linear weights only (default: ${DEFAULT-VALUE})")
    double weightDecay;

    @Option(names = "--width", defaultValue = "0.25", description = "ResNet-18 width multiplier (default: ${DEFAULT-VALUE})")
    double width;

    @Option(names = "--size", defaultValue = "32", description = "image size in pixels (default: ${DEFAULT-VALUE})")
    int size;

    @Option(names = "--augment", defaultValue = "pad-crop", description = "imagenet or pad-crop, as data.augment (default: ${DEFAULT-VALUE})")
    String augment;

    @Option(names = "--padding", defaultValue = "4", description = "pad-crop padding in pixels (default: ${DEFAULT-VALUE})")
    int padding;

    @Option(names = "--python", paramLabel = "PATH", description = "Python with torch (default: ${DEFAULT-VALUE})")
    Path python = Path.of(TorchBenchmark.PYTHON);

    @Option(names = "--script", paramLabel = "PATH", description = "parity_torch.py (default: under -Dattnspark.root or the working directory)")
    Path script;

    @Override
    public Integer call() throws Exception {
        Path data = out.resolve("fashion-mnist").toAbsolutePath();
        System.out.println(DatasetsCommand.fashionMnist(data, trainPerClass, valPerClass));
        // a bad setting fails here, before the first run trains
        for (long seed : seeds) {
            RunChecks.validate(config(data, seed));
        }
        List<Double> attnspark = new ArrayList<>();
        List<Double> torch = new ArrayList<>();
        String torchVersion = "?";
        for (long seed : seeds) {
            // alternating, so that a change in the machine's load between runs does not fall on one framework only
            var record = new Trainer(config(data, seed), System.out, false).run();
            attnspark.add(record.finalTop1());
            var result = TorchTraining.run(python, script == null ? TorchTraining.script() : script, torchArguments(data, seed),
                    System.out);
            torch.add(result.top1());
            torchVersion = result.torchVersion();
            System.out.printf(Locale.ROOT, "seed %d: attnspark %.2f%%, PyTorch %.2f%% (%.0f s)%n", seed,
                    100 * record.finalTop1(), 100 * result.top1(), result.seconds());
        }
        var parity = new AccuracyParity(seeds, attnspark, torch);
        System.out.printf(Locale.ROOT, "%nresnet18 width %s, %d px, %s augmentation, %d epochs, %d train / %d val images per"
                        + " class, batch %d, lr %s (per 256), warmup %d, label smoothing %s: final top-1 (%%)%n", width, size,
                augment, epochs, trainPerClass, valPerClass, batch, lr, warmup, labelSmoothing);
        System.out.print(parity.table(torchVersion));
        System.out.println(parity.verdict());
        return 0;
    }

    /** The attnspark run: one worker, so that its SGD takes one batch at a time as PyTorch's does. */
    TrainConfig config(Path data, long seed) {
        return ConfigLoader.load(null, List.of("data.path=" + data,
                "results=" + out.resolve("results").toAbsolutePath(), "workDir=" + out.resolve("work").toAbsolutePath(),
                "model.backbone=resnet18", "model.width=" + width, "model.imageSize=" + size, "model.attention=none",
                "data.augment=" + Augmentation.parse(augment).configName(), "data.padding=" + padding,
                "spark.master=local[1]", "spark.workers=1", "spark.batchSizePerWorker=" + batch,
                "recipe.epochs=" + epochs, "recipe.lr=" + lr, "recipe.warmupEpochs=" + warmup,
                "recipe.labelSmoothing=" + labelSmoothing, "recipe.weightDecay=" + weightDecay, "recipe.momentum=0.9",
                "recipe.schedule=cosine", "recipe.optimizer=sgd", "recipe.seed=" + seed));
    }

    List<String> torchArguments(Path data, long seed) {
        return List.of("--data", data.toString(), "--epochs", Integer.toString(epochs), "--batch", Integer.toString(batch),
                "--lr", Double.toString(lr), "--warmup", Integer.toString(warmup), "--momentum", "0.9",
                "--weight-decay", Double.toString(weightDecay),
                "--label-smoothing", Double.toString(labelSmoothing), "--width", Double.toString(width),
                "--size", Integer.toString(size), "--augment", Augmentation.parse(augment).configName(),
                "--padding", Integer.toString(padding), "--seed", Long.toString(seed));
    }
}
