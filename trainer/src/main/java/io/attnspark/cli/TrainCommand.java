package io.attnspark.cli;

import io.attnspark.train.Trainer;
import io.attnspark.train.config.ConfigLoader;
import io.attnspark.train.config.TrainConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
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

    List<String> overrides() {
        var list = new ArrayList<String>();
        add(list, "data.path", data);
        add(list, "model.backbone", backbone);
        add(list, "model.attention", attention);
        add(list, "recipe.epochs", epochs);
        add(list, "spark.master", master);
        add(list, "spark.workers", workers);
        add(list, "spark.batchSizePerWorker", batch);
        add(list, "results", results);
        add(list, "model.initFrom", initFrom);
        list.addAll(sets);
        return list;
    }

    private static void add(List<String> list, String key, Object value) {
        if (value != null) {
            list.add(key + "=" + value);
        }
    }
}
