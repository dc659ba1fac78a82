package io.attnspark.cli;

import io.attnspark.bench.ModelBenchmark;
import io.attnspark.bench.TorchBenchmark;
import io.attnspark.train.NativeBackend;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code attnspark bench compare}: the same network timed by DL4J here and by PyTorch in bench_torch.py. */
@Command(name = "compare", mixinStandardHelpOptions = true,
        description = {"Time a network with DL4J (as bench model) and the same torchvision network with PyTorch",
                "(trainer/src/main/python/bench_torch.py, same threads, warm-up and median), one after the other,",
                "and print the DL4J/PyTorch time ratios. PyTorch builds resnet18/34/50/101, resnext50_32x4d and",
                "mobilenet_v2, with attention none or se."})
final class BenchCompareCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    BenchModelCommand.Options options;

    @Option(names = "--python", paramLabel = "PATH", description = "Python with torch (default: ${DEFAULT-VALUE})")
    Path python = Path.of(TorchBenchmark.PYTHON);

    @Option(names = "--script", paramLabel = "PATH", description = "bench_torch.py (default: under -Dattnspark.root or the working directory)")
    Path script;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        options.applyThreads();
        out.println("backend: " + NativeBackend.check().describe() + "; threads " + options.effectiveThreads());
        out.flush();
        String name = options.backbone + ":" + options.attention;
        var benchmark = new ModelBenchmark(options.batch, options.warmup, options.iterations);
        ModelBenchmark.Row dl4j = benchmark.run(Map.of(name, options.spec())).get(0);
        out.println("DL4J    " + dl4j.json());
        out.flush();
        TorchBenchmark.Result torch = TorchBenchmark.run(python, script == null ? TorchBenchmark.script() : script,
                options.torchArguments());
        out.println("PyTorch " + torch.json());
        out.printf(Locale.ROOT, "%s batch %d, %d px: forward %.1f ms vs %.1f ms (x%.2f), training step %.1f ms vs %.1f ms"
                        + " (x%.2f) DL4J/PyTorch %s%n", name, options.batch, options.size, dl4j.forwardMillis(),
                torch.forwardMillis(), dl4j.forwardMillis() / torch.forwardMillis(), dl4j.trainMillis(),
                torch.trainMillis(), dl4j.trainMillis() / torch.trainMillis(), torch.torchVersion());
        out.println("DL4J " + benchmark.memory().describe() + "; PyTorch peak RSS "
                + String.format(Locale.ROOT, "%.0f MiB", torch.peakRssBytes() / 1048576.0));
        out.flush();
        return 0;
    }
}
