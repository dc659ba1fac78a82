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
        header = "Train one backbone + attention on Spark and write its record.",
        description = {"Train one backbone + attention on Spark (parameter averaging, or gradient sharing) and write its"
                + " result record. The config is YAML (sections data, model, spark, recipe; keys results, workDir);"
                + " options override it.",
                "A key may be given once: an option and a --set of the same key is an error."},
        footer = {"", "Examples:",
                "  attnspark train --data fashion-mnist --attention se --epochs 10 --workers 2",
                "  attnspark train --config run.yaml --set recipe.lr=0.05 --set model.width=0.5",
                "  attnspark train --config run.yaml --resume"})
final class TrainCommand implements Callable<Integer> {

    @Option(names = "--config", paramLabel = "FILE", description = "YAML run config: sections data, model, spark, recipe (see README)")
    Path config;

    @Option(names = "--data", paramLabel = "URI", description = "data.path: an image folder (train/, val/) or a packed dataset")
    String data;

    @Option(names = "--backbone", paramLabel = "NAME",
            description = "model.backbone: resnet18/34/50/101, resnext50_32x4d, mobilenet_v2 (default: resnet18)")
    String backbone;

    @Option(names = "--attention", paramLabel = "NAME",
            description = "model.attention: none or a module (attnspark modules lists them; default: none)")
    String attention;

    @Option(names = "--epochs", paramLabel = "N", description = "recipe.epochs (default: 90)")
    Integer epochs;

    @Option(names = "--master", paramLabel = "URL",
            description = "spark.master: local[N], spark://HOST:PORT, yarn, k8s://HOST (default: local[*] or spark-submit's)")
    String master;

    @Option(names = "--workers", paramLabel = "N",
            description = "spark.workers (default: local[N] gives N, a cluster its executor cores)")
    Integer workers;

    @Option(names = "--batch", paramLabel = "N", description = "spark.batchSizePerWorker (default: 32)")
    Integer batch;

    @Option(names = "--results", paramLabel = "URI", description = "results: where the result record goes (default: results)")
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
