package io.attnspark.results;

import io.attnspark.record.EpochMetrics;
import io.attnspark.record.Provenance;
import io.attnspark.record.RunRecord;
import io.attnspark.record.RunStatus;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Hand-written run records with the fields the statistics read under the test's control. */
final class TestRuns {

    static final Provenance PROVENANCE = new Provenance("0123456789abcdef0123456789abcdef01234567", "0.1.0",
            "1.0.0-M2.1", "3.5.9", "17.0.15", "node1", "2024-05-01T12:00:00Z", "2024-05-01T13:30:00Z");

    private TestRuns() {
    }

    /**
     * A completed two-epoch run: epoch 1 at {@code top1 - 0.05} and loss 2.0, epoch 2 at {@code top1} and loss
     * {@code 1.0 + seed / 10}; top-5 is {@code top1 + 0.1}.
     *
     * @param stages {@code config.model.stages}, or null for a config without it
     */
    static RunRecord run(String backbone, String attention, String position, List<Integer> stages, long seed,
                         double top1, long parameters, double imagesPerSecond) {
        return run(backbone, attention, position, stages, null, seed, top1, parameters, imagesPerSecond);
    }

    /** @param defaultPlacement the record's flag; null as in records that predate it */
    static RunRecord run(String backbone, String attention, String position, List<Integer> stages,
                         Boolean defaultPlacement, long seed, double top1, long parameters, double imagesPerSecond) {
        List<EpochMetrics> epochs = List.of(
                new EpochMetrics(1, 2.0, top1 - 0.05, top1 + 0.05, 1000, 1000 / imagesPerSecond, 1.0, imagesPerSecond),
                new EpochMetrics(2, 1.0 + seed / 10.0, top1, top1 + 0.1, 1000, 1000 / imagesPerSecond, 1.0,
                        imagesPerSecond));
        Map<String, Object> model = new LinkedHashMap<>(Map.of("backbone", backbone, "attention", attention,
                "width", 1.0, "imageSize", 32));
        if (stages != null) {
            model.put("stages", stages);
        }
        // the keys of the trainer's TrainConfig, which the sweep-explorer notebook reads
        Map<String, Object> config = Map.of("model", model,
                "recipe", Map.of("lr", 0.1, "weightDecay", 1e-4, "epochs", 2, "schedule", "cosine"),
                "spark", Map.of("batchSizePerWorker", 16, "averagingFrequency", 4));
        String runId = backbone + "-" + attention + "-" + position + (stages == null ? "" : "-st" + stages.size())
                + "-s" + seed;
        return new RunRecord(RunRecord.SCHEMA_VERSION, runId, RunStatus.COMPLETED, null, backbone, attention,
                Map.of(), position, defaultPlacement, seed, config, epochs, RunRecord.finalTop1Of(epochs),
                RunRecord.finalTop5Of(epochs), RunRecord.bestTop1Of(epochs), parameters, 30.0, imagesPerSecond,
                "local[2]", 2, false, PROVENANCE, null, null, List.of());
    }

    /** The config keys of the trainer's TrainConfig that an experiment holds fixed, at the given values. */
    static Map<String, Object> config(String dataPath, double lr, int epochs) {
        return Map.of("data", Map.of("path", dataPath, "packSeed", 1234),
                "model", Map.of("width", 0.25, "imageSize", 32, "smallStem", false),
                "recipe", Map.of("lr", lr, "epochs", epochs, "optimizer", "SGD", "schedule", "COSINE",
                        "weightDecay", 1e-4),
                "spark", Map.of("batchSizePerWorker", 32, "averagingFrequency", 5, "trainingMaster", "AVERAGING",
                        "master", "local[2]"),
                "results", "results");
    }

    /** A completed one-epoch run with the given config, workers and final top-1 (top-5 = top-1 + 0.1). */
    static RunRecord run(String runId, String backbone, String attention, long seed, double top1,
                         Map<String, Object> config, int workers) {
        List<EpochMetrics> epochs = List.of(new EpochMetrics(1, 1.0, top1, Math.min(1.0, top1 + 0.1), 1000, 10.0,
                1.0, 100.0));
        return new RunRecord(RunRecord.SCHEMA_VERSION, runId, RunStatus.COMPLETED, null, backbone, attention,
                Map.of(), "standard", true, seed, config, epochs, top1, Math.min(1.0, top1 + 0.1), top1,
                11_689_512L, 30.0, 100.0, "local[2]", workers, false, PROVENANCE, null, null, List.of());
    }
}
