package io.attnspark.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Runs trainer/src/main/python/parity_torch.py, which trains attnspark's recipe in PyTorch, and reads its result. */
public final class TorchTraining {

    public static final String SCRIPT = "trainer/src/main/python/parity_torch.py";

    /** @param top1 validation top-1 after the last epoch, in [0, 1] */
    public record Result(double top1, double seconds, String torchVersion) { }

    private TorchTraining() { }

    /** The script under the project root ({@code -Dattnspark.root}, as bin/attnspark sets it), else the working directory. */
    public static Path script() {
        return Path.of(System.getProperty("attnspark.root", ".")).resolve(SCRIPT);
    }

    /**
     * Echoes the script's per-epoch lines to {@code out} as they come.
     *
     * @param arguments parity_torch.py's arguments ({@code --data DIR --epochs 4 ...})
     * @throws IllegalStateException when python, the script or torch is missing, or the script fails, with its message
     */
    public static Result run(Path python, Path script, List<String> arguments, PrintStream out)
            throws IOException, InterruptedException {
        List<String> command = TorchBenchmark.command(python, script, arguments);
        Path errors = Files.createTempFile("parity_torch", ".err");
        try {
            Process process = TorchBenchmark.processBuilder(command).redirectError(errors.toFile()).start();
            List<String> lines = new ArrayList<>();
            try (var reader = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                    out.println("  torch " + line);
                    lines.add(line);
                }
            }
            int status = process.waitFor();
            String stderr = Files.readString(errors).strip();
            if (status != 0) {
                throw new IllegalStateException("parity_torch.py failed (exit " + status + "): "
                        + (stderr.isEmpty() ? String.join("\n", lines) : stderr));
            }
            return parse(lines);
        } finally {
            Files.deleteIfExists(errors);
        }
    }

    /** The last JSON line, which carries top1. */
    static Result parse(List<String> lines) throws IOException {
        String last = lines.stream().filter(l -> l.startsWith("{") && l.contains("\"top1\"")).reduce((a, b) -> b)
                .orElseThrow(() -> new IllegalStateException("parity_torch.py printed no result line: " + lines));
        JsonNode json = new ObjectMapper().readTree(last);
        return new Result(json.get("top1").asDouble(), json.path("seconds").asDouble(), json.path("torch").asText("?"));
    }
}
