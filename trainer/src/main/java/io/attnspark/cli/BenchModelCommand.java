package io.attnspark.cli;

import io.attnspark.bench.ModelBenchmark;
import io.attnspark.model.ModelSpec;
import io.attnspark.train.NativeBackend;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.nd4j.linalg.factory.Nd4j;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code attnspark bench model}: forward and training-step speed of a network built as the trainer builds it. */
@Command(name = "model", mixinStandardHelpOptions = true,
        header = "Forward and training-step images/s of networks.",
        description = {"Forward (inference) and training-step (fit on one fixed random batch) images/s of a network "
                + "built with the trainer's settings, as the median of the rounds after warm-up (like timm's "
                + "benchmark.py), and peak heap and off-heap memory. --variants times several networks alternately,"
                + " round by round, so that their ratios hold on a noisy machine."})
final class BenchModelCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    Options options;

    @Option(names = "--attention", paramLabel = "NAME", defaultValue = "none", description = "attention module or none (default: ${DEFAULT-VALUE})")
    String attention;

    @Option(names = "--variants", paramLabel = "BACKBONE:ATTENTION", split = ",",
            description = "networks to time alternately instead of --backbone/--attention, e.g. resnet50:none,resnet50:se")
    List<String> variants;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        var specs = variants == null ? Map.of(options.backbone + ":" + attention, options.spec(attention))
                : options.variants(variants);
        options.applyThreads();
        out.println("backend: " + NativeBackend.check().describe() + "; threads " + options.effectiveThreads());
        var benchmark = new ModelBenchmark(options.batch, options.warmup, options.iterations);
        List<ModelBenchmark.Row> rows = benchmark.run(specs);
        out.printf("batch %d, %d px, %d warm-up + %d timed rounds (medians)%n", options.batch, options.size,
                options.warmup, options.iterations);
        out.print(ModelBenchmark.table(rows));
        out.println(benchmark.memory().describe());
        rows.forEach(row -> out.println(row.json()));
        out.flush();
        return 0;
    }

    /** The network and timing options shared by {@code bench model}, {@code bench compare} and {@code bench variants}. */
    static final class Options {

        @Option(names = "--backbone", paramLabel = "NAME", defaultValue = "resnet18", description = "backbone (default: ${DEFAULT-VALUE})")
        String backbone;

        @Option(names = "--size", paramLabel = "PX", defaultValue = "224", description = "input side in pixels (default: ${DEFAULT-VALUE})")
        int size;

        @Option(names = "--batch", paramLabel = "N", defaultValue = "32", description = "images per step (default: ${DEFAULT-VALUE})")
        int batch;

        @Option(names = "--width", paramLabel = "X", defaultValue = "1.0", description = "channel width multiplier (default: ${DEFAULT-VALUE})")
        double width;

        @Option(names = "--small-stem", description = "the stride-1 stem for small inputs")
        boolean smallStem;

        @Option(names = "--classes", paramLabel = "K", defaultValue = "1000", description = "classifier outputs (default: ${DEFAULT-VALUE})")
        int classes;

        @Option(names = "--warmup", paramLabel = "N", defaultValue = "3", description = "untimed rounds first (default: ${DEFAULT-VALUE})")
        int warmup;

        @Option(names = "--iters", paramLabel = "N", defaultValue = "10", description = "timed rounds; the median is reported (default: ${DEFAULT-VALUE})")
        int iterations;

        @Option(names = "--threads", paramLabel = "T", defaultValue = "0",
                description = "native (OpenMP) threads; 0 keeps ND4J's default (OMP_NUM_THREADS or the cores)")
        int threads;

        ModelSpec spec(String attention) {
            return spec(backbone, attention);
        }

        ModelSpec spec(String variantBackbone, String variantAttention) {
            return new ModelSpec(variantBackbone, width, classes, size, smallStem, variantAttention, Map.of());
        }

        /** {@code resnet50:none,resnet50:se} as named specs with this command's other settings. */
        Map<String, ModelSpec> variants(List<String> variants) {
            Map<String, ModelSpec> specs = new LinkedHashMap<>();
            for (String variant : variants) {
                String[] parts = variant.split(":", -1);
                if (parts.length != 2 || parts[0].isBlank() || parts[1].isBlank()) {
                    throw new IllegalArgumentException("--variants: write BACKBONE:ATTENTION, e.g. resnet50:se; got '" + variant + "'");
                }
                if (specs.put(variant, spec(parts[0].strip(), parts[1].strip())) != null) {
                    throw new IllegalArgumentException("--variants lists '" + variant + "' twice");
                }
            }
            return specs;
        }

        void applyThreads() {
            if (threads < 0) {
                throw new IllegalArgumentException("--threads must be 0 (default) or positive, got " + threads);
            }
            if (threads > 0) {
                Nd4j.getEnvironment().setMaxThreads(threads);
                Nd4j.getEnvironment().setMaxMasterThreads(threads);
            }
        }

        int effectiveThreads() {
            return threads > 0 ? threads : Nd4j.getEnvironment().maxThreads();
        }

        /** bench_torch.py's arguments for the same network, with {@code attention}, and method. */
        List<String> torchArguments(String attention) {
            List<String> arguments = new ArrayList<>(List.of("--backbone", backbone, "--attention", attention,
                    "--size", Integer.toString(size), "--batch", Integer.toString(batch), "--width", Double.toString(width),
                    "--classes", Integer.toString(classes), "--warmup", Integer.toString(warmup),
                    "--iters", Integer.toString(iterations), "--threads", Integer.toString(effectiveThreads())));
            if (smallStem) {
                arguments.add("--small-stem");
            }
            return arguments;
        }
    }
}
