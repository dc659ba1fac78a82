package io.attnspark.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Reading bench_torch.py's output; Python itself is never run in tests. */
class TorchBenchmarkTest {

    @Test
    void readsTheLastJsonLine() throws Exception {
        var result = TorchBenchmark.parse("warning: something\n{\"name\": \"resnet18:none\", \"batch\": 64, \"forward_ms\": 300.5,"
                + " \"train_ms\": 1254.25, \"torch\": \"1.13.0\", \"peak_rss_bytes\": 1048576}\n");

        assertEquals(300.5, result.forwardMillis());
        assertEquals(1254.25, result.trainMillis());
        assertEquals("1.13.0", result.torchVersion());
        assertEquals(1048576, result.peakRssBytes());
    }

    @Test
    void missingPythonIsAClearError() {
        var e = assertThrows(IllegalStateException.class,
                () -> TorchBenchmark.run(Path.of("/nonexistent/python3"), Path.of("x.py"), List.of()));
        assertTrue(e.getMessage().contains("needs Python 3 with torch"), e.getMessage());
    }
}
