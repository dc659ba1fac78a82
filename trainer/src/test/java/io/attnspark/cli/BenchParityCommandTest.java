package io.attnspark.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.attnspark.datasets.image.Augmentation;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** The options of {@code attnspark bench parity} reach both frameworks alike; the benchmark itself is never run here. */
class BenchParityCommandTest {

    @Test
    void bothFrameworksGetTheSameRecipe() {
        var command = new BenchParityCommand();
        new CommandLine(command).parseArgs("--epochs", "2", "--seeds", "5,6", "--batch", "32", "--lr", "0.2",
                "--warmup", "0", "--label-smoothing", "0", "--size", "28", "--augment", "pad-crop", "--padding", "2",
                "--out", "/tmp/parity");
        assertEquals(List.of(5L, 6L), command.seeds);

        var config = command.config(Path.of("/tmp/parity/fashion-mnist"), 6);
        assertEquals("/tmp/parity/fashion-mnist", config.data().path());
        assertEquals(Augmentation.PAD_CROP, config.data().augment());
        assertEquals(2, config.data().padding());
        assertEquals(28, config.model().imageSize());
        assertEquals(0.25, config.model().width());
        assertEquals("none", config.model().attention());
        assertEquals(1, config.spark().workers());
        assertEquals(32, config.spark().batchSizePerWorker());
        assertEquals(2, config.recipe().epochs());
        assertEquals(0.2, config.recipe().lr());
        assertEquals(0, config.recipe().warmupEpochs());
        assertEquals(0.0, config.recipe().labelSmoothing());
        assertEquals(1e-4, config.recipe().weightDecay());
        assertEquals(6, config.recipe().seed());

        assertEquals(List.of("--data", "/tmp/parity/fashion-mnist", "--epochs", "2", "--batch", "32", "--lr", "0.2",
                "--warmup", "0", "--momentum", "0.9", "--weight-decay", "1.0E-4", "--label-smoothing", "0.0",
                "--width", "0.25", "--size", "28", "--augment", "pad-crop", "--padding", "2", "--seed", "6"),
                command.torchArguments(Path.of("/tmp/parity/fashion-mnist"), 6));
    }
}
