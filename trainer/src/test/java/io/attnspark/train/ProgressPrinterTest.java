package io.attnspark.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** Progress comes in whole averaging rounds, about ten lines an epoch, with an ETA over the remaining epochs. */
class ProgressPrinterTest {

    @Test
    void chunksAreWholeAveragingRoundsAboutATenthOfAnEpoch() {
        var printer = new ProgressPrinter(new PrintStream(new ByteArrayOutputStream()), 4, 5);
        assertEquals(10, printer.chunkSize(40, 2));
        assertEquals(20, printer.chunkSize(200, 2));
        assertEquals(10, printer.chunkSize(3, 2));
    }

    @Test
    void aProgressLineShowsRateLossAndTheRunsEta() {
        var bytes = new ByteArrayOutputStream();
        var printer = new ProgressPrinter(new PrintStream(bytes, true, StandardCharsets.UTF_8), 3, 5);
        printer.progress(0, 0.5, 1000, 10_000_000_000L, Double.NaN);
        String line = bytes.toString(StandardCharsets.UTF_8);
        // half an epoch in 10 s: 50 img/s, 10 s to finish it and 20 s for each of the two epochs after it
        assertTrue(line.contains("epoch 1   50%  50 img/s  loss n/a  ETA 0:00:50"), line);
    }
}
