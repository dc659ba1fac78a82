package io.attnspark.cli;

import io.attnspark.train.Trainer;
import io.attnspark.train.config.ConfigLoader;
import io.attnspark.train.config.TrainConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

@Command(name = "train", mixinStandardHelpOptions = true,
        description = {"Train one backbone + attention on Spark (parameter averaging, or gradient sharing) and write its result record.",
                "The config is YAML (sections data, model, spark, recipe; keys results, workDir); options override it."})
final class TrainCommand implements Callable<Integer> {

    @Option(names = "--config", paramLabel = "FILE", description = "YAML run config")
    Path config;

    @Option(names = "--data", paramLabel = "URI", description = "ImageNet-layout folder or packed dataset (data.path)")
    String data;

    @Option(names = "--backbone", description = "model.backbone, e.g. resnet18, resnet50")
    String backbone;

    @Option(names = "--attention", description = "model.attention: none, se, ...")
    String attention;

    @Option(names = "--epochs", description = "recipe.epochs")
    Integer epochs;

    @Option(names = "--master", description = "spark.master: local[*], local[N], spark://HOST:PORT, yarn, k8s://...")
    String master;

    @Option(names = "--workers", description = "spark.workers")
    Integer workers;

    @Option(names = "--batch", description = "spark.batchSizePerWorker")
    Integer batch;

    @Option(names = "--results", paramLabel = "URI", description = "where the result record goes")
    String results;

    @Option(names = "--init-from", paramLabel = "FILE.npz",
            description = "model.initFrom: start from a PyTorch state_dict saved with numpy.savez (torchvision/timm names)")
    String initFrom;

    @Option(names = "--resume", description = "continue from the newest complete checkpoint of the same setup (data, model, recipe, batch) under workDir")
    boolean resume;

    @Option(names = "--set", paramLabel = "KEY=VALUE", description = "any config key, e.g. --set recipe.lr=0.05 --set model.width=0.5")
    List<String> sets = new ArrayList<>();

    @Override
    public Integer call() throws Exception {
        TrainConfig cfg = ConfigLoader.load(config, overrides());
        var record = new Trainer(cfg, System.out, resume).run();
        System.out.printf("final top-1 %.2f%%  top-5 %.2f%%  (%s)%n", 100 * record.finalTop1(), 100 * record.finalTop5(), record.runId());
        return 0;
    }

    /**
     * The options as {@code key=value} overrides, then the {@code --set}s. A key given twice with different values
     * (an option and a {@code --set}, or two {@code --set}s) is refused rather than letting the last one win silently.
     */
    List<String> overrides() {
        var given = new LinkedHashMap<String, Given>();
        var list = new ArrayList<String>();
        add(list, given, "data.path", data, "--data");
        add(list, given, "model.backbone", backbone, "--backbone");
        add(list, given, "model.attention", attention, "--attention");
        add(list, given, "recipe.epochs", epochs, "--epochs");
        add(list, given, "spark.master", master, "--master");
        add(list, given, "spark.workers", workers, "--workers");
        add(list, given, "spark.batchSizePerWorker", batch, "--batch");
        add(list, given, "results", results, "--results");
        add(list, given, "model.initFrom", initFrom, "--init-from");
        for (String set : sets) {
            int eq = set.indexOf('=');
            String key = eq > 0 ? set.substring(0, eq).strip() : set;
            remember(given, key, set.substring(eq + 1).strip(), "--set " + set);
            list.add(set);
        }
        return list;
    }

    private static void add(List<String> list, Map<String, Given> given, String key, Object value, String option) {
        if (value != null) {
            remember(given, key, String.valueOf(value), option + " " + value);
            list.add(key + "=" + value);
        }
    }

    private static void remember(Map<String, Given> given, String key, String value, String how) {
        Given before = given.putIfAbsent(key, new Given(value, how));
        if (before != null && !before.value().equals(value)) {
            throw new IllegalArgumentException(key + " is given twice, by " + before.how() + " and by " + how + "; keep one");
        }
    }

    private record Given(String value, String how) { }
}
