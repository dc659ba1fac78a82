package io.attnspark.cli;

import io.attnspark.explain.ExplainableModel;
import io.attnspark.explain.Explainer;
import io.attnspark.train.config.ConfigLoader;
import io.attnspark.train.config.ModelConfig;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.apache.hadoop.conf.Configuration;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code attnspark explain}: attention maps of a trained network as PNGs. */
@Command(name = "explain", mixinStandardHelpOptions = true,
        header = "Show what a trained network's attention modules do.",
        description = {"Show what the attention modules of a trained network do: for every image in --images, a bar "
                + "chart of the channel gates of every SE/ECA/CBAM/... module (channels.png) and a heat map over "
                + "the image of every spatial map (CBAM's spatial gate, BAM's gate, GC's attention pooling): "
                + "OUT/<image>/spatial-<module>.png, with a colour bar; every value shown is in OUT/<image>/values.csv. "
                + "Prints the top-5 classes per image. Unreadable images are "
                + "skipped and counted."},
        footer = {"", "Example:",
                "  attnspark explain --model work/checkpoints/SETUP/epoch-0010.zip --images photos --out explain"})
final class ExplainCommand implements Callable<Integer> {

    @Option(names = "--model", required = true, paramLabel = "CKPT",
            description = "a checkpoint: epoch-NNNN.zip (or .json) under <workDir>/checkpoints/<setup>/, or that directory"
                    + " (its newest); any Hadoop URI")
    String model;

    @Option(names = "--images", required = true, paramLabel = "DIR", description = "a folder of images, searched recursively")
    Path images;

    @Option(names = "--out", paramLabel = "DIR", description = "output folder (default: ${DEFAULT-VALUE})")
    Path out = Path.of("explain");

    @Option(names = "--max", paramLabel = "N", description = "explain at most N images (default: ${DEFAULT-VALUE})")
    int max = 16;

    @Option(names = "--interpolation", paramLabel = "KIND",
            description = "how spatial maps are enlarged: nearest (shows the map's real cells) or bilinear (default: ${DEFAULT-VALUE})")
    Explainer.Interpolation interpolation = Explainer.Interpolation.NEAREST;

    @Option(names = "--shared-scale", description = "one colour range for all spatial maps of an image, so blocks compare")
    boolean sharedScale;

    @Option(names = "--per-class", description = "instead of per image: the mean channel gates of each class over --images/"
            + "<class-id>/ (up to --max images a class), one chart per module and per-class-gates.csv")
    boolean perClass;

    @Option(names = "--config", paramLabel = "FILE",
            description = "only for checkpoints written before they carried the run config: the run's YAML config")
    Path config;

    @Option(names = "--set", paramLabel = "KEY=VALUE",
            description = "only for such old checkpoints: a config key, e.g. --set model.attention=se --set model.imageSize=32")
    List<String> overrides = new ArrayList<>();

    @Override
    public Integer call() throws Exception {
        ModelConfig fallback = config == null && overrides.isEmpty() ? null : ConfigLoader.load(config, overrides).model();
        var explainable = ExplainableModel.load(model, new Configuration(), fallback);
        var explainer = new Explainer(explainable, System.out, new Explainer.Display(interpolation, sharedScale));
        if (perClass) {
            explainer.explainPerClass(images, out, max);
        } else {
            explainer.explain(images, out, max);
        }
        return 0;
    }
}
