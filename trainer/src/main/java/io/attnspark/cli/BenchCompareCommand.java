package io.attnspark.cli;

import io.attnspark.bench.AlternatingBenchmark;
import io.attnspark.bench.ModelBenchmark;
import io.attnspark.bench.TorchServer;
import io.attnspark.model.Models;
import io.attnspark.train.NativeBackend;
import java.io.PrintWriter;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code attnspark bench compare}: the same network timed by DL4J here and by PyTorch in bench_torch.py, round by round
 * in one loop, so that the machine's drift hits both alike.
 */
@Command(name = "compare", mixinStandardHelpOptions = true,
        header = "DL4J against PyTorch on the same network, alternately.",
        description = {"Time a network with DL4J (as bench model) and the same torchvision network with PyTorch "
                + "(trainer/src/main/python/bench_torch.py --serve, same threads), alternating round by round: each"
                + " round runs a DL4J forward pass and training step, then PyTorch's. Prints the medians after "
                + "warm-up, their DL4J/PyTorch ratios, and the median and min-max of the per-round ratios. PyTorch "
                + "builds resnet18/34/50/101, resnext50_32x4d and mobilenet_v2 with any attention module at its "
                + "default options and placement (the classes of attention_torch.py); the two networks must have "
                + "the same parameter count."})
final class BenchCompareCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    BenchModelCommand.Options options;

    @Option(names = "--attention", paramLabel = "NAME", defaultValue = "none", description = "attention module or none (default: ${DEFAULT-VALUE})")
    String attention;

    @Mixin
    TorchScriptOptions torchScript;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        options.applyThreads();
        out.println("backend: " + NativeBackend.check().describe() + "; threads " + options.effectiveThreads());
        out.flush();
        String name = options.backbone + ":" + attention;
        var benchmark = new ModelBenchmark(options.batch, options.warmup, options.iterations);
        // PyTorch first: a missing torch fails before the DL4J network is built
        try (TorchServer torch = TorchServer.start(torchScript.python, torchScript.script(),
                options.torchArguments(attention))) {
            torch.requireParameters(name, Models.parameterCount(options.spec(attention).resolve()));
            List<AlternatingBenchmark.Result> results = benchmark.run(Map.of(name, options.spec(attention)),
                    List.of(torch.subject(name)));
            List<ModelBenchmark.Row> rows = ModelBenchmark.rows(results, options.batch);
            ModelBenchmark.Row dl4j = rows.get(0);
            ModelBenchmark.Row pytorch = rows.get(1);
            long torchRss = torch.peakRssBytes();
            out.printf(Locale.ROOT, "batch %d, %d px, %d warm-up + %d timed rounds, each DL4J then PyTorch (medians)%n",
                    options.batch, options.size, options.warmup, options.iterations);
            out.println("DL4J    " + dl4j.json());
            out.println("PyTorch " + torchJson(pytorch, torch, torchRss));
            out.printf(Locale.ROOT, "%s batch %d, %d px: forward %.1f ms vs %.1f ms (x%.2f), training step %.1f ms vs"
                            + " %.1f ms (x%.2f) DL4J/PyTorch %s%n", name, options.batch, options.size,
                    dl4j.forwardMillis(), pytorch.forwardMillis(), dl4j.forwardMillis() / pytorch.forwardMillis(),
                    dl4j.trainMillis(), pytorch.trainMillis(), dl4j.trainMillis() / pytorch.trainMillis(),
                    torch.torchVersion());
            var forward = AlternatingBenchmark.RoundRatios.of(results.get(0), results.get(1), ModelBenchmark.FORWARD);
            var train = AlternatingBenchmark.RoundRatios.of(results.get(0), results.get(1), ModelBenchmark.TRAIN);
            out.printf(Locale.ROOT, "per-round DL4J/PyTorch ratios (%d rounds): forward median x%.2f, min x%.2f, max"
                            + " x%.2f; training step median x%.2f, min x%.2f, max x%.2f%n", train.values().size(),
                    forward.median(), forward.min(), forward.max(), train.median(), train.min(), train.max());
            out.println("DL4J " + benchmark.memory().describe() + "; PyTorch peak RSS "
                    + String.format(Locale.ROOT, "%.0f MiB", torchRss / 1048576.0));
        }
        out.flush();
        return 0;
    }

    /** The row's JSON line with the keys bench_torch.py's one-shot line adds. */
    private static String torchJson(ModelBenchmark.Row row, TorchServer torch, long peakRssBytes) {
        String json = row.json();
        return json.substring(0, json.length() - 1) + String.format(Locale.ROOT,
                ", \"threads\": %d, \"malloc\": \"%s\", \"torch\": \"%s\", \"peak_rss_bytes\": %d}", torch.threads(),
                torch.malloc(), torch.torchVersion(), peakRssBytes);
    }
}
