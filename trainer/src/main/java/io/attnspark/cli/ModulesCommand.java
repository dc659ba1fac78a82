package io.attnspark.cli;

import io.attnspark.bench.ModuleCatalog;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code attnspark modules}: the attention module library with options, defaults and added parameters. */
@Command(name = "modules", mixinStandardHelpOptions = true,
        header = "List attention modules with options and parameters.",
        description = {"List every registered attention module with its options and defaults, the trainable parameters "
                + "it adds at C channels (counted like PyTorch), and option values it rejects with its message."})
public final class ModulesCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--channels", paramLabel = "C", defaultValue = "256", description = "channels (default: ${DEFAULT-VALUE})")
    int channels;

    @Option(names = "--size", paramLabel = "S", defaultValue = "14", description = "activation height and width (default: ${DEFAULT-VALUE})")
    int size;

    @Override
    public Integer call() {
        if (channels < 1 || size < 1) {
            throw new IllegalArgumentException("--channels and --size must be at least 1");
        }
        PrintWriter out = spec.commandLine().getOut();
        out.print(ModuleCatalog.table(ModuleCatalog.entries(channels, size), channels));
        out.flush();
        return 0;
    }
}
