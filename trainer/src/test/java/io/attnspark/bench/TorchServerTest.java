package io.attnspark.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The --serve protocol against stand-in servers: shell scripts run by /bin/sh in place of python, answering with
 * fixed numbers (Python itself is never run in tests).
 */
@Timeout(60)
class TorchServerTest {

    private static final Path SH = Path.of("/bin/sh");

    /** Answers like bench_torch.py --serve, with fixed durations, and logs its arguments and commands. */
    private static final String FAKE_SERVER = """
            echo "$@" > "$(dirname "$0")/arguments"
            echo '{"ready": true, "torch": "9.9.9", "threads": 2, "parameters": 11689512}'
            while read -r command; do
              echo "$command" >> "$(dirname "$0")/commands"
              case "$command" in
                forward) echo '{"phase": "forward", "ms": 12.5}' ;;
                train) echo '{"phase": "train", "ms": 40.25}' ;;
                stats) echo '{"peak_rss_bytes": 1048576}' ;;
                *) echo "unknown command $command" >&2; exit 2 ;;
              esac
            done
            """;

    @TempDir
    Path dir;

    private Path script(String body) throws Exception {
        Path script = dir.resolve("server.sh");
        Files.writeString(script, body);
        return script;
    }

    private TorchServer start(String body) throws Exception {
        return TorchServer.start(SH, script(body), List.of("--backbone", "resnet18", "--size", "32"));
    }

    @Test
    void answersEachRequestWithTheDurationTheServerMeasured() throws Exception {
        try (TorchServer server = start(FAKE_SERVER)) {
            assertEquals("9.9.9", server.torchVersion());
            assertEquals(2, server.threads());
            assertEquals(11689512, server.parameters());
            assertEquals(40.25, server.millis("train"));
            assertEquals(12.5, server.millis("forward"));
            assertEquals(1048576, server.peakRssBytes());
        }
        assertEquals("--backbone resnet18 --size 32 --serve", Files.readString(dir.resolve("arguments")).strip());
        assertEquals(List.of("train", "forward", "stats"), Files.readAllLines(dir.resolve("commands")));
    }

    @Test
    void subjectTakesItsTurnInEveryRoundAndKeepsTheServersDurations() throws Exception {
        // the benchmark's clock jumps a second per reading: only the clocked subject sees it
        var clock = new AtomicLong();
        Map<String, Runnable> dl4j = new LinkedHashMap<>();
        dl4j.put(ModelBenchmark.FORWARD, () -> { });
        dl4j.put(ModelBenchmark.TRAIN, () -> { });
        List<AlternatingBenchmark.Result> results;
        try (TorchServer server = start(FAKE_SERVER)) {
            results = new AlternatingBenchmark(1, 2, () -> clock.addAndGet(1_000_000_000L), () -> { })
                    .run(List.of(AlternatingBenchmark.Subject.clocked("dl4j", dl4j), server.subject("torch")));
        }

        assertEquals(List.of("forward", "train", "forward", "train", "forward", "train"),
                Files.readAllLines(dir.resolve("commands")), "one forward and one train step per round, warm-up included");
        assertEquals(12.5, results.get(1).medianMillis(ModelBenchmark.FORWARD), 1e-9);
        assertEquals(40.25, results.get(1).medianMillis(ModelBenchmark.TRAIN), 1e-9);
        assertEquals(1000.0, results.get(0).medianMillis(ModelBenchmark.TRAIN), 1e-9);
        var ratios = AlternatingBenchmark.RoundRatios.of(results.get(0), results.get(1), ModelBenchmark.TRAIN);
        assertEquals(List.of(1000 / 40.25, 1000 / 40.25), ratios.values());
    }

    @Test
    void anotherParameterCountIsAnotherNetwork() throws Exception {
        try (TorchServer server = start(FAKE_SERVER)) {
            server.requireParameters("resnet18:none", 11689512);
            var e = assertThrows(IllegalStateException.class, () -> server.requireParameters("resnet18:se", 11778592));
            assertEquals("bench_torch.py built resnet18:se with 11,689,512 parameters where attnspark's has 11,778,592:"
                    + " not the same network, so no fair comparison; fix bench_torch.py's build"
                    + " (TorchParameterCountTest compares them)", e.getMessage());
        }
    }

    @Test
    void serverThatExitsBeforeItIsReadyIsAClearError() throws Exception {
        var e = assertThrows(IllegalStateException.class,
                () -> start("echo 'bench_torch.py needs torch and torchvision (No module named torch)' >&2; exit 3"));
        assertEquals("bench_torch.py --serve exited (status 3) before its ready line: bench_torch.py needs torch and"
                + " torchvision (No module named torch)", e.getMessage());
    }

    @Test
    void serverThatDiesDuringAStepIsAClearError() throws Exception {
        try (TorchServer server = start("""
                echo '{"ready": true, "torch": "9.9.9", "threads": 2, "parameters": 11689512}'
                read -r command
                echo "RuntimeError: out of memory" >&2
                exit 1
                """)) {
            var e = assertThrows(IllegalStateException.class, () -> server.millis("train"));
            assertEquals("bench_torch.py --serve exited (status 1) before its answer to 'train': RuntimeError: out of"
                    + " memory", e.getMessage());
        }
    }

    @Test
    void garbageInsteadOfAnAnswerIsAClearError() throws Exception {
        try (TorchServer server = start("""
                echo '{"ready": true, "torch": "9.9.9", "threads": 2, "parameters": 11689512}'
                read -r command
                echo 'Segmentation fault'
                read -r command
                """)) {
            var e = assertThrows(IllegalStateException.class, () -> server.millis("forward"));
            assertEquals("bench_torch.py --serve printed 'Segmentation fault' where {\"phase\": \"forward\", \"ms\": ...}"
                    + " was expected; it wrote nothing to stderr", e.getMessage());
        }
    }

    @Test
    void garbageInsteadOfTheReadyLineIsAClearError() throws Exception {
        var e = assertThrows(IllegalStateException.class, () -> start("echo 'a warning' >&2; echo 'Hello'; sleep 1"));
        assertTrue(e.getMessage().startsWith("bench_torch.py --serve printed 'Hello' where {\"ready\": true,"),
                e.getMessage());
        assertTrue(e.getMessage().endsWith(": a warning"), e.getMessage());
    }

    @Test
    void missingScriptIsAClearError() {
        var e = assertThrows(IllegalStateException.class,
                () -> TorchServer.start(SH, dir.resolve("absent.py"), List.of()));
        assertTrue(e.getMessage().endsWith("absent.py not found; run from the project root or pass --script"), e.getMessage());
    }

    @Test
    void readsTheProtocolsLines() {
        assertEquals(new TorchServer.Ready("1.13.0", 4, "tcmalloc", 25557032), TorchServer.parseReady(
                "{\"ready\": true, \"torch\": \"1.13.0\", \"threads\": 4, \"malloc\": \"tcmalloc\", \"parameters\": 25557032}"));
        // a server from before the malloc key
        assertEquals(new TorchServer.Ready("1.13.0", 4, "unknown", 25557032),
                TorchServer.parseReady("{\"ready\": true, \"torch\": \"1.13.0\", \"threads\": 4, \"parameters\": 25557032}"));
        assertEquals(1254.25, TorchServer.parseStep("{\"phase\": \"train\", \"ms\": 1254.25}", "train"));
        assertEquals(3, TorchServer.parseStats("{\"peak_rss_bytes\": 3}"));

        var wrongPhase = assertThrows(IllegalArgumentException.class,
                () -> TorchServer.parseStep("{\"phase\": \"forward\", \"ms\": 1.0}", "train"));
        assertEquals("printed '{\"phase\": \"forward\", \"ms\": 1.0}' where {\"phase\": \"train\", \"ms\": ...} was"
                + " expected", wrongPhase.getMessage());
        assertThrows(IllegalArgumentException.class, () -> TorchServer.parseStep("{\"phase\": \"train\"}", "train"));
        assertThrows(IllegalArgumentException.class, () -> TorchServer.parseStep("{\"phase\": \"train\", \"ms\": \"x\"}", "train"));
        assertThrows(IllegalArgumentException.class, () -> TorchServer.parseReady("{\"ready\": false, \"torch\": \"1\", \"threads\": 1}"));
        assertThrows(IllegalArgumentException.class, () -> TorchServer.parseReady("[1, 2]"));
        assertThrows(IllegalArgumentException.class,
                () -> TorchServer.parseReady("{\"ready\": true, \"torch\": \"1\", \"threads\": 1}"), "no parameter count");
        assertThrows(IllegalArgumentException.class, () -> TorchServer.parseStats("{\"peak_rss_bytes\": \"many\"}"));
    }
}
