package io.attnspark.cli;

import io.attnspark.bench.ModelBenchmark;
import io.attnspark.bench.ModuleOverheads;
import io.attnspark.bench.TorchServer;
import io.attnspark.model.ModelSpec;
import io.attnspark.model.Models;
import io.attnspark.model.attention.AttentionRegistry;
import io.attnspark.train.NativeBackend;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.IDefaultValueProvider;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code attnspark bench variants}: each attention module's training-step overhead over the plain network, DL4J next to
 * PyTorch, from one run.
 */
@Command(name = "variants", mixinStandardHelpOptions = true, defaultValueProvider = BenchVariantsCommand.Defaults.class,
        header = "Each module's training-step overhead, DL4J next to PyTorch.",
        description = {"For each module, times four networks alternately, round by round (as bench compare does): the "
                + "plain backbone and the backbone with the module, in DL4J and in PyTorch (bench_torch.py --serve, the "
                + "same modules at the same places; the parameter counts must agree). Prints per module the median "
                + "training step with the range of the timed rounds, its ratio to plain's, and the median and range of "
                + "the per-round ratios. Defaults: resnet50, 224 px, batch 8, all 18 modules."})
final class BenchVariantsCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    BenchModelCommand.Options options;

    @Mixin
    TorchScriptOptions torchScript;

    @Option(names = "--attention", paramLabel = "NAME", split = ",",
            description = "modules to time against plain, e.g. se,cbam (default: all 18)")
    List<String> attentions;

    /** The overhead table's network: ResNet-50 at batch 8 (the shared options default to resnet18 at batch 32). */
    static final class Defaults implements IDefaultValueProvider {
        @Override
        public String defaultValue(ArgSpec argument) {
            if (argument instanceof OptionSpec option) {
                return switch (option.longestName()) {
                    case "--backbone" -> "resnet50";
                    case "--batch" -> "8";
                    default -> null;
                };
            }
            return null;
        }
    }

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        Map<String, ModelSpec> modules = moduleSpecs();
        ModelSpec plain = options.spec(ModelSpec.NONE);
        options.applyThreads();
        out.println("backend: " + NativeBackend.check().describe() + "; threads " + options.effectiveThreads());
        out.printf(Locale.ROOT, "%s, batch %d, %d px, per module %d warm-up + %d timed rounds of DL4J plain, DL4J with the"
                        + " module, PyTorch plain, PyTorch with the module (training steps)%n", options.backbone,
                options.batch, options.size, options.warmup, options.iterations);
        out.flush();
        List<ModuleOverheads.Row> rows = new ArrayList<>();
        String plainName = options.backbone + ":" + ModelSpec.NONE;
        try (TorchServer torchPlain = TorchServer.start(torchScript.python, torchScript.script(),
                options.torchArguments(ModelSpec.NONE))) {
            torchPlain.requireParameters(plainName, Models.parameterCount(plain.resolve()));
            for (Map.Entry<String, ModelSpec> module : modules.entrySet()) {
                String name = options.backbone + ":" + module.getKey();
                try (TorchServer torch = TorchServer.start(torchScript.python, torchScript.script(),
                        options.torchArguments(module.getKey()))) {
                    torch.requireParameters(name, Models.parameterCount(module.getValue().resolve()));
                    Map<String, ModelSpec> networks = new LinkedHashMap<>();
                    networks.put(plainName, plain);
                    networks.put(name, module.getValue());
                    var results = new ModelBenchmark(options.batch, options.warmup, options.iterations)
                            .run(networks, List.of(torchPlain.subject("pytorch " + plainName), torch.subject("pytorch " + name)));
                    var row = ModuleOverheads.Row.of(module.getKey(), results);
                    rows.add(row);
                    out.printf(Locale.ROOT, "%s: DL4J x%.3f, PyTorch x%.3f%n", module.getKey(), row.dl4j().ratioOfMedians(),
                            row.pytorch().ratioOfMedians());
                    out.flush();
                }
            }
        }
        out.print(ModuleOverheads.table(rows));
        out.flush();
        return 0;
    }

    /**
     * The requested modules' networks, each checked to build on the backbone before anything runs.
     *
     * @throws IllegalArgumentException for an unknown, repeated or unplaceable module, or none
     */
    private Map<String, ModelSpec> moduleSpecs() {
        Map<String, ModelSpec> specs = new LinkedHashMap<>();
        for (String attention : attentions == null ? List.copyOf(AttentionRegistry.names()) : attentions) {
            String name = attention.strip();
            if (name.equals(ModelSpec.NONE)) {
                throw new IllegalArgumentException("--attention: plain (none) is timed with every module anyway; list"
                        + " modules only, e.g. se,cbam");
            }
            ModelSpec module = options.spec(name);
            // configuring the graph checks that the module fits every place the backbone puts it
            Models.parameterCount(module.resolve());
            if (specs.put(name, module) != null) {
                throw new IllegalArgumentException("--attention lists '" + name + "' twice");
            }
        }
        return specs;
    }
}
