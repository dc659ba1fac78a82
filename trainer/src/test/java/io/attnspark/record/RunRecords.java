package io.attnspark.record;

import java.util.List;
import java.util.Map;

/** Valid run records for tests. */
public final class RunRecords {

    public static final Provenance PROVENANCE = new Provenance("0123456789abcdef0123456789abcdef01234567", "0.1.0",
            "1.0.0-M2.1", "3.5.9", "17.0.15", "node1", "2024-05-01T12:00:00Z", "2024-05-01T13:30:00Z");

    private RunRecords() {
    }

    /** A completed two-epoch run whose final top-1 is {@code finalTop1} and whose best top-1 is the final one. */
    public static RunRecord completed(String runId, String backbone, String attention, long seed, double finalTop1) {
        List<EpochMetrics> epochs = List.of(
                new EpochMetrics(1, 2.5, finalTop1 - 0.05, 0.80, 1000, 10.0, 2.0, 100.0),
                new EpochMetrics(2, 1.5, finalTop1, 0.90, 1000, 8.0, 2.0, 125.0));
        return new RunRecord(RunRecord.SCHEMA_VERSION, runId, RunStatus.COMPLETED, null, backbone, attention,
                Map.of("reduction", 16), "standard", true, seed,
                Map.of("epochs", 2, "learningRate", 0.1, "dataset", Map.of("name", "tiny", "classes", 10)),
                epochs, RunRecord.finalTop1Of(epochs), RunRecord.finalTop5Of(epochs), RunRecord.bestTop1Of(epochs),
                11_689_512L, 30.0, RunRecord.imagesPerSecondOf(epochs), "local[2]", 2, false, PROVENANCE, null, null, List.of());
    }

    /** A run that failed during its second epoch. */
    public static RunRecord failed(String runId, String backbone, String attention, String error) {
        List<EpochMetrics> epochs = List.of(new EpochMetrics(1, 2.5, 0.3, 0.6, 1000, 10.0, 2.0, 100.0));
        return new RunRecord(RunRecord.SCHEMA_VERSION, runId, RunStatus.FAILED, error, backbone, attention, Map.of(),
                "standard", true, 1, Map.of("epochs", 2), epochs, RunRecord.finalTop1Of(epochs),
                RunRecord.finalTop5Of(epochs), RunRecord.bestTop1Of(epochs), 11_689_512L, 15.0,
                RunRecord.imagesPerSecondOf(epochs), "local[2]", 2, false, PROVENANCE, null, null, List.of());
    }
}
