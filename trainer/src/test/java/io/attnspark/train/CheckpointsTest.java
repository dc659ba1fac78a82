package io.attnspark.train;

import io.attnspark.record.EpochMetrics;
import org.apache.hadoop.conf.Configuration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Nesterovs;
import org.nd4j.linalg.lossfunctions.LossFunctions;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CheckpointsTest {

    private static final Map<String, Object> CONFIG = Map.of("model", Map.of("backbone", "resnet18", "attention", "se"));
    private static final List<String> CLASSES = List.of("a", "b", "c");

    private static ComputationGraph trainedNetwork() {
        var conf = new NeuralNetConfiguration.Builder().seed(7).updater(new Nesterovs(0.1, 0.9)).graphBuilder()
                .addInputs("in")
                .addLayer("dense", new DenseLayer.Builder().nOut(5).activation(Activation.RELU).build(), "in")
                .addLayer("out", new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nOut(3).activation(Activation.SOFTMAX).build(), "dense")
                .setOutputs("out").setInputTypes(InputType.feedForward(4)).build();
        var net = new ComputationGraph(conf);
        net.init();
        var labels = Nd4j.zeros(8, 3);
        for (int i = 0; i < 8; i++) {
            labels.putScalar(i, i % 3, 1);
        }
        net.fit(new DataSet(Nd4j.rand(8, 4), labels));
        return net;
    }

    private static EpochMetrics epoch(int n) {
        return new EpochMetrics(n, 1.0 / n, 0.5, 0.9, 100, 10, 1, 10);
    }

    @Test
    void newestCompleteCheckpointRestoresNetworkUpdaterAndProgress(@TempDir Path tmp) throws Exception {
        var checkpoints = new Checkpoints(tmp.resolve("ck").toUri().toString(), new Configuration());
        assertTrue(checkpoints.latest().isEmpty());

        var net = trainedNetwork();
        checkpoints.save(net, new Checkpoints.State("run-1", "2026-01-01T00:00:00Z", 1, List.of(epoch(1)), CONFIG, CLASSES));
        net.fit(new DataSet(Nd4j.rand(8, 4), Nd4j.eye(3).getRows(0, 1, 2, 0, 1, 2, 0, 1)));
        checkpoints.save(net, new Checkpoints.State("run-1", "2026-01-01T00:00:00Z", 2, List.of(epoch(1), epoch(2)), CONFIG, CLASSES));

        var restored = checkpoints.latest().orElseThrow();
        assertEquals(2, restored.state().epochsDone());
        assertEquals(List.of(epoch(1), epoch(2)), restored.state().epochs());
        assertEquals(CONFIG, restored.state().config());
        assertEquals(CLASSES, restored.state().classIds());
        assertEquals(net.params(), restored.network().params());
        assertEquals(net.getUpdater().getStateViewArray(), restored.network().getUpdater().getStateViewArray());
        assertNotEquals(0.0, restored.network().getUpdater().getStateViewArray().sumNumber().doubleValue(),
                "momentum state must survive, or a resumed run restarts its optimiser");
    }

    @Test
    void aModelWithoutItsStateFileDoesNotCountAndOldOnesArePruned(@TempDir Path tmp) throws Exception {
        Path dir = tmp.resolve("ck");
        var checkpoints = new Checkpoints(dir.toString(), new Configuration());
        var net = trainedNetwork();
        for (int e = 1; e <= 4; e++) {
            checkpoints.save(net, new Checkpoints.State("run-1", "2026-01-01T00:00:00Z", e, List.of(), CONFIG, CLASSES));
        }
        try (Stream<Path> files = Files.list(dir)) {
            assertEquals(List.of("epoch-0003.json", "epoch-0003.zip", "epoch-0004.json", "epoch-0004.zip"),
                    files.map(p -> p.getFileName().toString()).filter(n -> !n.startsWith(".")).sorted().toList());
        }
        // a crash between the model and its state leaves the model alone: the previous checkpoint stays newest
        Files.copy(dir.resolve("epoch-0004.zip"), dir.resolve("epoch-0005.zip"));
        assertEquals(4, checkpoints.latest().orElseThrow().state().epochsDone());
    }

    @Test
    void setupFoldersAreNamedByBackboneAndAttentionAndOlderHashOnlyFoldersAreStillFound(@TempDir Path tmp) throws Exception {
        var hadoop = new Configuration();
        String work = tmp.toString();
        var fresh = Checkpoints.forSetup(work, "resnet18", "se", "469719d308ca", hadoop);
        assertEquals("resnet18-se-469719d308ca", fresh.dir().getName());

        java.nio.file.Files.createDirectories(tmp.resolve("checkpoints/0123456789ab"));
        assertEquals("0123456789ab", Checkpoints.forSetup(work, "resnet18", "se", "0123456789ab", hadoop).dir().getName(),
                "a run started before the readable names resumes from its folder");
        java.nio.file.Files.createDirectories(tmp.resolve("checkpoints/resnet18-se-0123456789ab"));
        assertEquals("resnet18-se-0123456789ab",
                Checkpoints.forSetup(work, "resnet18", "se", "0123456789ab", hadoop).dir().getName());
    }

    @Test
    void setupKeyIgnoresWhereItRunsButNotWhatIsTrained() {
        Map<String, Object> data = Map.of("path", "/d");
        Map<String, Object> model = Map.of("backbone", "resnet18", "attention", "se");
        Map<String, Object> recipe = Map.of("epochs", 3, "lr", 0.1);
        String key = Checkpoints.setupKey(data, model, recipe, 32);
        assertEquals(key, Checkpoints.setupKey(Map.of("path", "/d"), Map.of("attention", "se", "backbone", "resnet18"), recipe, 32));
        assertNotEquals(key, Checkpoints.setupKey(data, Map.of("backbone", "resnet18", "attention", "none"), recipe, 32));
        assertNotEquals(key, Checkpoints.setupKey(data, model, Map.of("epochs", 4, "lr", 0.1), 32));
        assertNotEquals(key, Checkpoints.setupKey(data, model, recipe, 64));
        assertFalse(key.isBlank());
    }

    @Test
    void readTakesAnEpochFileOrADirectoryAndOlderStateFilesLackOnlyConfigAndClasses(@TempDir Path tmp) throws Exception {
        Path dir = tmp.resolve("ck");
        var checkpoints = new Checkpoints(dir.toString(), new Configuration());
        var net = trainedNetwork();
        checkpoints.save(net, new Checkpoints.State("run-1", "2026-01-01T00:00:00Z", 1, List.of(epoch(1)), CONFIG, CLASSES));
        checkpoints.save(net, new Checkpoints.State("run-1", "2026-01-01T00:00:00Z", 2, List.of(), CONFIG, CLASSES));
        var conf = new Configuration();
        assertEquals(1, Checkpoints.read(dir.resolve("epoch-0001.zip").toString(), conf).state().epochsDone());
        assertEquals(1, Checkpoints.read(dir.resolve("epoch-0001.json").toString(), conf).state().epochsDone());
        assertEquals(2, Checkpoints.read(dir.toString(), conf).state().epochsDone());

        // the state file as checkpoints wrote it before they carried the config and class ids (its checksum goes too)
        Files.deleteIfExists(dir.resolve(".epoch-0001.json.crc"));
        Files.writeString(dir.resolve("epoch-0001.json"), """
                {"runId": "run-1", "startedAt": "2026-01-01T00:00:00Z", "epochsDone": 1, "epochs": []}""");
        var old = Checkpoints.read(dir.resolve("epoch-0001.zip").toString(), conf).state();
        assertEquals(1, old.epochsDone());
        assertNull(old.config());
        assertNull(old.classIds());

        var missing = assertThrows(IllegalArgumentException.class,
                () -> Checkpoints.read(dir.resolve("epoch-0009.zip").toString(), conf));
        assertTrue(missing.getMessage().contains("does not exist"), missing.getMessage());
        Files.delete(dir.resolve("epoch-0002.json"));
        var incomplete = assertThrows(IllegalArgumentException.class,
                () -> Checkpoints.read(dir.resolve("epoch-0002.zip").toString(), conf));
        assertTrue(incomplete.getMessage().contains("incomplete"), incomplete.getMessage());
    }
}
