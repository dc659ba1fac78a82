package io.attnspark.cli;

import io.attnspark.bench.TorchBenchmark;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** Where {@code bench compare} and {@code bench variants} find PyTorch and bench_torch.py. */
final class TorchScriptOptions {

    @Option(names = "--python", paramLabel = "PATH", description = "Python with torch (default: ${DEFAULT-VALUE})")
    Path python = Path.of(TorchBenchmark.PYTHON);

    @Option(names = "--script", paramLabel = "PATH", description = "bench_torch.py (default: under -Dattnspark.root or the working directory)")
    Path script;

    Path script() {
        return script == null ? TorchBenchmark.script() : script;
    }
}
