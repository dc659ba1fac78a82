package io.attnspark.cli;

import io.attnspark.datasets.fashion.FashionMnistConverter;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.Callable;

@Command(name = "datasets", mixinStandardHelpOptions = true, header = "Prepare datasets: convert Fashion-MNIST, pack ImageNet.",
        subcommands = {DatasetsCommand.FashionMnist.class, PackCommand.class})
final class DatasetsCommand {

    @Command(name = "fashion-mnist", mixinStandardHelpOptions = true,
            header = "Convert Debian's Fashion-MNIST to the ImageNet layout.",
        description = {"Convert Debian's Fashion-MNIST (apt-get install dataset-fashion-mnist) into the classic ImageNet"
                + " folder layout: train/<class-id>/*.JPEG, val/<class-id>/*.JPEG and synsets.txt."})
    static final class FashionMnist implements Callable<Integer> {

        @Option(names = "--out", required = true, paramLabel = "DIR", description = "output directory")
        Path out;

        @Option(names = "--src", paramLabel = "DIR", description = "directory of the idx .gz files (default: the Debian package's)")
        Path src;

        @Option(names = "--train-per-class", paramLabel = "N", description = "at most N training images per class (default: all 6000)")
        Integer trainPerClass;

        @Option(names = "--val-per-class", paramLabel = "N", description = "at most N validation images per class (default: all 1000)")
        Integer valPerClass;

        @Override
        public Integer call() throws Exception {
            var summary = new FashionMnistConverter(src != null ? src : FashionMnistConverter.locate()).convert(out,
                    new FashionMnistConverter.Limits(limit(trainPerClass, "--train-per-class"), limit(valPerClass, "--val-per-class")));
            System.out.println(summary);
            return 0;
        }
    }

    /** Debian's Fashion-MNIST in the ImageNet layout under {@code out}, limited as the per-class options say. */
    static FashionMnistConverter.Summary fashionMnist(Path out, int trainPerClass, int valPerClass) throws IOException {
        return new FashionMnistConverter(FashionMnistConverter.locate()).convert(out, new FashionMnistConverter.Limits(
                limit(trainPerClass, "--train-per-class"), limit(valPerClass, "--val-per-class")));
    }

    static int limit(Integer value, String option) {
        if (value == null) {
            return Integer.MAX_VALUE;
        }
        if (value < 1) {
            throw new IllegalArgumentException(option + " must be at least 1, got " + value);
        }
        return value;
    }
}
