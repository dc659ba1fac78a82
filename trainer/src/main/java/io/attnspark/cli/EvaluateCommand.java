package io.attnspark.cli;

import io.attnspark.train.CheckpointEvaluator;
import org.apache.hadoop.conf.Configuration;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.util.concurrent.Callable;

/** {@code attnspark evaluate}: a checkpoint's top-1/top-5, per-class accuracy and confusion matrix. */
@Command(name = "evaluate", mixinStandardHelpOptions = true,
        header = "A checkpoint's accuracy and confusion matrix on a dataset.",
        description = {"Evaluate a checkpoint on the val/ split of a dataset (an image folder, packed first, or a packed "
                + "dataset; any Hadoop URI) on Spark, with the trainer's evaluation transform. Prints top-1 and top-5 "
                + "and writes OUT/per-class.csv, OUT/confusion.csv and OUT/confusion.png."},
        footer = {"", "Example:",
                "  attnspark evaluate --model work/checkpoints/resnet18-se-469719d308ca --data fashion-mnist"})
final class EvaluateCommand implements Callable<Integer> {

    @Option(names = "--model", required = true, paramLabel = "CKPT",
            description = "a checkpoint: epoch-NNNN.zip, or its folder under <workDir>/checkpoints/ (the newest)")
    String model;

    @Option(names = "--data", required = true, paramLabel = "URI", description = "the dataset whose val/ is evaluated")
    String data;

    @Option(names = "--out", paramLabel = "URI", description = "output folder (default: ${DEFAULT-VALUE})")
    String out = "evaluation";

    @Option(names = "--packs", paramLabel = "URI", description = "where an image folder's val/ is packed (default: ${DEFAULT-VALUE})")
    String packs = "work/packs";

    @Option(names = "--batch", paramLabel = "N", description = "images per packed shard (default: ${DEFAULT-VALUE})")
    int batch = 32;

    @Option(names = "--master", paramLabel = "URL", description = "spark.master (default: local[*] or spark-submit's)")
    String master;

    @Override
    public Integer call() throws Exception {
        if (batch < 1) {
            throw new IllegalArgumentException("--batch must be at least 1");
        }
        var report = CheckpointEvaluator.evaluate(new CheckpointEvaluator.Request(model, data, packs, master, batch),
                System.out);
        report.write(out, new Configuration());
        System.out.printf("top-1 %.2f%%  top-5 %.2f%%  on %,d images; per-class accuracy and confusion matrix in %s%n",
                100 * report.top1(), 100 * report.top5(), report.total(), out);
        return 0;
    }
}
