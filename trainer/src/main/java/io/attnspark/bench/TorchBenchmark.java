package io.attnspark.bench;

import com.fasterxml.jackson.databind.JsonNode;
import io.attnspark.train.NativeBackend;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Runs trainer/src/main/python/bench_torch.py and reads its JSON line. */
public final class TorchBenchmark {

    /** Debian's python has torch 1.13 + torchvision 0.14; the first python3 on PATH may not. */
    public static final String PYTHON = "/usr/bin/python3";
    public static final String SCRIPT = "trainer/src/main/python/bench_torch.py";

    /** Median milliseconds per batch measured by PyTorch. */
    public record Result(double forwardMillis, double trainMillis, String torchVersion, long peakRssBytes, String json) { }

    private TorchBenchmark() { }

    /** The script under the project root, e.g. {@code -Dattnspark.root} as bin/attnspark sets it, else the working directory. */
    public static Path script() {
        return Path.of(System.getProperty("attnspark.root", ".")).resolve(SCRIPT);
    }

    /**
     * @param arguments bench_torch.py's arguments ({@code --backbone resnet18 --size 32 ...})
     * @throws IllegalStateException when python, the script or torch is missing, or the script fails, with its message
     */
    public static Result run(Path python, Path script, List<String> arguments) throws IOException, InterruptedException {
        List<String> command = command(python, script, arguments);
        Path errors = Files.createTempFile("bench_torch", ".err");
        try {
            Process process = processBuilder(command).redirectError(errors.toFile()).start();
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            int status = process.waitFor();
            String stderr = Files.readString(errors).strip();
            if (status != 0) {
                throw new IllegalStateException("bench_torch.py failed (exit " + status + "): "
                        + (stderr.isEmpty() ? output.strip() : stderr));
            }
            return parse(output);
        } finally {
            Files.deleteIfExists(errors);
        }
    }

    /**
     * {@code python script arguments...}
     *
     * @throws IllegalStateException when python or the script is missing
     */
    static List<String> command(Path python, Path script, List<String> arguments) {
        if (!Files.isExecutable(python)) {
            throw new IllegalStateException(python + " not found; the PyTorch side of a benchmark needs Python 3 with torch and"
                    + " torchvision (Debian's /usr/bin/python3)");
        }
        if (!Files.isRegularFile(script)) {
            throw new IllegalStateException(script + " not found; run from the project root or pass --script");
        }
        List<String> command = new ArrayList<>(List.of(python.toString(), script.toString()));
        command.addAll(arguments);
        return command;
    }

    /**
     * PyTorch keeps its own OpenMP and tcmalloc defaults: the OMP_WAIT_POLICY and TCMALLOC_RELEASE_RATE that
     * bin/attnspark sets for ND4J are not passed on.
     */
    static ProcessBuilder processBuilder(List<String> command) {
        var builder = new ProcessBuilder(command);
        builder.environment().remove(NativeBackend.OMP_WAIT_POLICY);
        builder.environment().remove(NativeBackend.TCMALLOC_RELEASE_RATE);
        return builder;
    }

    /** The last line of the script's output that is a JSON object. */
    static Result parse(String output) throws IOException {
        String line = output.lines().filter(l -> l.startsWith("{")).reduce((first, second) -> second)
                .orElseThrow(() -> new IllegalStateException("bench_torch.py printed no JSON line: " + output.strip()));
        JsonNode json = new ObjectMapper().readTree(line);
        return new Result(json.get("forward_ms").asDouble(), json.get("train_ms").asDouble(),
                json.path("torch").asText("?"), json.path("peak_rss_bytes").asLong(), line);
    }
}
