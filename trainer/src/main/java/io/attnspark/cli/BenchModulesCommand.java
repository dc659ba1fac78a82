package io.attnspark.cli;

import io.attnspark.bench.ModuleBenchmark;
import io.attnspark.model.attention.AttentionRegistry;
import io.attnspark.train.NativeBackend;
import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code attnspark bench modules}: forward+backward time of each attention module against a 3x3 conv. */
@Command(name = "modules", mixinStandardHelpOptions = true,
        header = "Time every attention module against a 3x3 convolution.",
        description = {"Forward + backward time of every registered attention module (default options) alone on a C x S "
                + "x S activation, against a plain 3x3 convolution C->C on the same shape; medians after warm-up, "
                + "all timed alternately round by round."})
final class BenchModulesCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--channels", paramLabel = "C", defaultValue = "256", description = "channels (default: ${DEFAULT-VALUE})")
    int channels;

    @Option(names = "--size", paramLabel = "S", defaultValue = "14", description = "height and width (default: ${DEFAULT-VALUE})")
    int size;

    @Option(names = "--batch", paramLabel = "N", defaultValue = "32", description = "batch (default: ${DEFAULT-VALUE})")
    int batch;

    @Option(names = "--attention", paramLabel = "NAME", split = ",", description = "modules to time (default: every registered one)")
    List<String> modules;

    @Option(names = "--warmup", paramLabel = "N", defaultValue = "3", description = "untimed rounds first (default: ${DEFAULT-VALUE})")
    int warmup;

    @Option(names = "--iters", paramLabel = "N", defaultValue = "10", description = "timed rounds (default: ${DEFAULT-VALUE})")
    int iterations;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        out.println("backend: " + NativeBackend.check().describe());
        out.flush();
        var rows = new ModuleBenchmark(channels, size, batch, warmup, iterations)
                .run(modules == null ? List.copyOf(AttentionRegistry.names()) : modules);
        out.printf("C=%d, %dx%d, batch %d, %d warm-up + %d timed rounds (medians)%n", channels, size, size, batch,
                warmup, iterations);
        out.print(ModuleBenchmark.table(rows));
        out.flush();
        return 0;
    }
}
