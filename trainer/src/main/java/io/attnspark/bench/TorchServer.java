package io.attnspark.bench;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * bench_torch.py in {@code --serve} mode: PyTorch runs one step per request, so that its steps take turns with DL4J's
 * in one timed loop ({@link #subject}) instead of running minutes later under other load. Each step's duration is the
 * one Python measured, without the pipe round trip.
 *
 * <p>Protocol, one JSON line per line of input: first {@code {"ready": true, "torch": VERSION, "threads": N,
 * "parameters": P}}; then
 * {@code forward} or {@code train} → {@code {"phase": "train", "ms": MILLIS}}, {@code stats} →
 * {@code {"peak_rss_bytes": BYTES}}; end of input ends the script.
 */
public final class TorchServer implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String NAME = "bench_torch.py --serve";

    /** The script's first line: it has built the model (of {@code parameters} trainable parameters), batch and optimizer. */
    record Ready(String torchVersion, int threads, String malloc, long parameters) { }

    private final Process process;
    private final Path errors;
    private final BufferedReader answers;
    private final Writer commands;
    private final Ready ready;

    private TorchServer(Process process, Path errors) {
        this.process = process;
        this.errors = errors;
        this.answers = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        this.commands = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
        String line = readLine("its ready line");
        this.ready = parsed(() -> parseReady(line));
    }

    /**
     * Starts the script and waits until it has built its model.
     *
     * @param arguments bench_torch.py's arguments ({@code --backbone resnet18 --size 32 ...}); {@code --serve} is added
     * @throws IllegalStateException when python, the script or torch is missing, or the script fails, with its message
     */
    public static TorchServer start(Path python, Path script, List<String> arguments) throws IOException {
        List<String> command = new ArrayList<>(TorchBenchmark.command(python, script, arguments));
        command.add("--serve");
        Path errors = Files.createTempFile("bench_torch", ".err");
        Process process;
        try {
            process = TorchBenchmark.processBuilder(command).redirectError(errors.toFile()).start();
        } catch (IOException e) {
            Files.deleteIfExists(errors);
            throw e;
        }
        try {
            return new TorchServer(process, errors);
        } catch (RuntimeException e) {
            process.destroyForcibly();
            Files.deleteIfExists(errors);
            throw e;
        }
    }

    public String torchVersion() {
        return ready.torchVersion();
    }

    /** The threads PyTorch uses, as it reports them. */
    public int threads() {
        return ready.threads();
    }

    /** The allocator PyTorch runs on (it inherits bin/attnspark's preloaded tcmalloc), as it reports it. */
    public String malloc() {
        return ready.malloc();
    }

    /** The trainable parameters of PyTorch's network, as it reports them. */
    public long parameters() {
        return ready.parameters();
    }

    /**
     * @param network     the network's name, for the message
     * @param dl4jParameters the trainable parameters of the DL4J network it is timed against
     * @throws IllegalStateException when PyTorch's network has another parameter count, i.e. is another network
     */
    public void requireParameters(String network, long dl4jParameters) {
        if (parameters() != dl4jParameters) {
            throw new IllegalStateException(String.format(Locale.ROOT, "bench_torch.py built %s with %,d parameters"
                    + " where attnspark's has %,d: not the same network, so no fair comparison; fix bench_torch.py's"
                    + " build (TorchParameterCountTest compares them)", network, parameters(), dl4jParameters));
        }
    }

    /**
     * Runs one step.
     *
     * @param phase {@value ModelBenchmark#FORWARD} or {@value ModelBenchmark#TRAIN}
     * @return its duration as Python measured it, in milliseconds
     * @throws IllegalStateException when the script has died or answers something else
     */
    public double millis(String phase) {
        String answer = request(phase);
        return parsed(() -> parseStep(answer, phase));
    }

    /** The script's peak resident set so far. */
    public long peakRssBytes() {
        String answer = request("stats");
        return parsed(() -> parseStats(answer));
    }

    /** The PyTorch network as a subject of an {@link AlternatingBenchmark}: forward, then train, timed by Python. */
    public AlternatingBenchmark.Subject subject(String name) {
        Map<String, AlternatingBenchmark.Phase> phases = new LinkedHashMap<>();
        for (String phase : List.of(ModelBenchmark.FORWARD, ModelBenchmark.TRAIN)) {
            phases.put(phase, () -> OptionalLong.of(Math.round(millis(phase) * 1e6)));
        }
        return new AlternatingBenchmark.Subject(name, phases);
    }

    /** Ends the script with end of input, and kills it if it does not exit soon after. */
    @Override
    public void close() throws IOException {
        try {
            commands.close();
        } catch (IOException alreadyGone) {
            // the script has exited; nothing left to tell it
        }
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        } finally {
            Files.deleteIfExists(errors);
        }
    }

    private String request(String command) {
        try {
            commands.write(command + "\n");
            commands.flush();
        } catch (IOException e) {
            throw new IllegalStateException(withStderr(NAME + " " + ended() + " before '" + command + "' ("
                    + e.getMessage() + ")"));
        }
        return readLine("its answer to '" + command + "'");
    }

    private String readLine(String expected) {
        String line;
        try {
            line = answers.readLine();
        } catch (IOException e) {
            throw new IllegalStateException(withStderr(NAME + " could not be read (" + e.getMessage() + ")"));
        }
        if (line == null) {
            throw new IllegalStateException(withStderr(NAME + " " + ended() + " before " + expected));
        }
        return line;
    }

    /** "exited (status 3)", waiting a little for the exit that usually follows a closed output. */
    private String ended() {
        try {
            return process.waitFor(5, TimeUnit.SECONDS) ? "exited (status " + process.exitValue() + ")"
                    : "closed its output";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "closed its output";
        }
    }

    /** The parser's result; an answer it rejects becomes an IllegalStateException with the script's stderr. */
    private <T> T parsed(Supplier<T> parser) {
        try {
            return parser.get();
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException(withStderr(NAME + " " + e.getMessage()));
        }
    }

    private String withStderr(String message) {
        String stderr;
        try {
            stderr = Files.readString(errors).strip();
        } catch (IOException e) {
            stderr = "";
        }
        return stderr.isEmpty() ? message + "; it wrote nothing to stderr" : message + ": " + stderr;
    }

    static Ready parseReady(String line) {
        String expected = "{\"ready\": true, \"torch\": ..., \"threads\": ..., \"parameters\": ...}";
        JsonNode json = object(line, expected);
        if (!json.path("ready").asBoolean(false) || !json.path("torch").isTextual() || !json.path("threads").canConvertToInt()
                || !json.path("parameters").canConvertToLong()) {
            throw unexpected(line, expected);
        }
        return new Ready(json.get("torch").asText(), json.get("threads").asInt(), json.path("malloc").asText("unknown"),
                json.get("parameters").asLong());
    }

    static double parseStep(String line, String phase) {
        String expected = "{\"phase\": \"" + phase + "\", \"ms\": ...}";
        JsonNode json = object(line, expected);
        if (!phase.equals(json.path("phase").asText()) || !json.path("ms").isNumber() || json.get("ms").asDouble() < 0) {
            throw unexpected(line, expected);
        }
        return json.get("ms").asDouble();
    }

    static long parseStats(String line) {
        JsonNode json = object(line, "{\"peak_rss_bytes\": ...}");
        if (!json.path("peak_rss_bytes").canConvertToLong()) {
            throw unexpected(line, "{\"peak_rss_bytes\": ...}");
        }
        return json.get("peak_rss_bytes").asLong();
    }

    private static JsonNode object(String line, String expected) {
        try {
            JsonNode json = JSON.readTree(line);
            if (json != null && json.isObject()) {
                return json;
            }
        } catch (JsonProcessingException notJson) {
            // reported below with the line itself
        }
        throw unexpected(line, expected);
    }

    private static IllegalArgumentException unexpected(String line, String expected) {
        return new IllegalArgumentException("printed '" + line + "' where " + expected + " was expected");
    }
}
