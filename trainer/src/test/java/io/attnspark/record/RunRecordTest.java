package io.attnspark.record;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RunRecordTest {

    private static final List<EpochMetrics> EPOCHS = List.of(
            new EpochMetrics(1, 2.0, 0.50, 0.80, 1000, 4.0, 1.0, 250.0),
            new EpochMetrics(2, 1.5, 0.62, 0.85, 1000, 6.0, 1.0, 166.7),
            new EpochMetrics(3, 1.2, 0.60, 0.86, 500, 2.0, 1.0, 250.0));

    @Test
    void summariesComeFromTheEpochs() {
        assertEquals(0.60, RunRecord.finalTop1Of(EPOCHS));
        assertEquals(0.86, RunRecord.finalTop5Of(EPOCHS));
        assertEquals(0.62, RunRecord.bestTop1Of(EPOCHS));
        assertEquals(2500.0 / 12.0, RunRecord.imagesPerSecondOf(EPOCHS), 1e-12);
        assertNull(RunRecord.finalTop1Of(List.of()));
        assertNull(RunRecord.bestTop1Of(List.of()));
        assertEquals(0.0, RunRecord.imagesPerSecondOf(List.of()));
    }

    @Test
    void jsonHasTheDocumentedCamelCaseFields() throws IOException {
        JsonNode json = new ObjectMapper().readTree(
                RunRecordJson.toBytes(RunRecords.completed("r1", "resnet18", "se", 7, 0.7)));
        assertEquals(new TreeSet<>(List.of("schemaVersion", "runId", "status", "error", "backbone", "attention",
                "attentionOptions", "position", "defaultPlacement", "seed", "config", "epochs", "finalTop1", "finalTop5", "bestTop1",
                "parameterCount", "wallTimeSeconds", "imagesPerSecond", "sparkMaster", "workers", "resumed",
                "provenance", "dataset", "experiment", "gpuAssignments")), fieldNames(json));
        assertEquals(new TreeSet<>(List.of("epoch", "trainLoss", "top1", "top5", "trainImages", "trainSeconds",
                "evalSeconds", "imagesPerSecond", "workerSeconds", "overheadSeconds")), fieldNames(json.get("epochs").get(0)));
        assertEquals(new TreeSet<>(List.of("gitCommit", "attnsparkVersion", "dl4jVersion", "sparkVersion",
                "javaVersion", "host", "startedAt", "finishedAt")), fieldNames(json.get("provenance")));
        assertEquals("completed", json.get("status").asText());
        assertTrue(json.get("error").isNull());
        assertEquals(1, json.get("schemaVersion").asInt());
        assertEquals("tiny", json.get("config").get("dataset").get("name").asText());
        assertEquals("failed", new ObjectMapper().readTree(RunRecordJson.toBytes(
                RunRecords.failed("r2", "resnet18", "se", "boom"))).get("status").asText());
    }

    @Test
    void parsingGivesAnEqualRecordEvenForConfigNumberTypesJsonDoesNotKeep() throws IOException {
        Map<String, Object> config = new LinkedHashMap<>();
        config.put("batchSize", 64L);
        config.put("learningRate", 0.1f);
        config.put("checkpointDir", null);
        config.put("nested", Map.of("milestones", List.of(30L, 60L)));
        RunRecord original = withConfig(RunRecords.completed("r1", "resnet18", "se", 7, 0.7), config);

        RunRecord parsed = RunRecordJson.fromBytes(RunRecordJson.toBytes(original));

        assertEquals(original, parsed);
        assertTrue(parsed.config().containsKey("checkpointDir"));
        assertThrows(UnsupportedOperationException.class, () -> parsed.config().put("x", 1));
    }

    @Test
    void aRecordWrittenBeforeTheDatasetAndExperimentFieldsStillReads() throws IOException {
        ObjectNode json = (ObjectNode) new ObjectMapper().readTree(
                RunRecordJson.toBytes(RunRecords.completed("r1", "resnet18", "se", 7, 0.7)));
        json.remove(List.of("dataset", "experiment", "defaultPlacement", "gpuAssignments"));

        RunRecord old = RunRecordJson.fromBytes(new ObjectMapper().writeValueAsBytes(json));

        assertEquals("r1", old.runId());
        assertNull(old.dataset());
        assertNull(old.experiment());
        assertNull(old.defaultPlacement());
        assertEquals(List.of(), old.gpuAssignments());
    }

    @Test
    void gpuAssignmentsAreWrittenInOrderAndReadBack() throws IOException {
        RunRecord r = RunRecords.completed("r1", "resnet18", "se", 7, 0.7);
        var assignments = List.of(new GpuAssignment("10", 0, "1"), new GpuAssignment("2", 1, "0"),
                new GpuAssignment("2", 0, "1"));
        RunRecord withGpus = new RunRecord(r.schemaVersion(), r.runId(), r.status(), r.error(), r.backbone(), r.attention(),
                r.attentionOptions(), r.position(), r.defaultPlacement(), r.seed(), r.config(), r.epochs(), r.finalTop1(),
                r.finalTop5(), r.bestTop1(), r.parameterCount(), r.wallTimeSeconds(), r.imagesPerSecond(), r.sparkMaster(),
                r.workers(), r.resumed(), r.provenance(), r.dataset(), r.experiment(), assignments);

        assertEquals(List.of(assignments.get(2), assignments.get(1), assignments.get(0)), withGpus.gpuAssignments());
        JsonNode json = new ObjectMapper().readTree(RunRecordJson.toBytes(withGpus));
        assertEquals(new TreeSet<>(List.of("executor", "partition", "gpu")), fieldNames(json.get("gpuAssignments").get(0)));
        assertEquals(withGpus, RunRecordJson.fromBytes(RunRecordJson.toBytes(withGpus)));
        assertInvalid("gpuAssignments.gpu", () -> new GpuAssignment("1", 0, " "));
        assertInvalid("gpuAssignments.partition", () -> new GpuAssignment("1", -1, "0"));
    }

    @Test
    void parsingRejectsAMissingField() throws IOException {
        ObjectMapper mapper = new ObjectMapper();
        var json = (com.fasterxml.jackson.databind.node.ObjectNode) mapper.readTree(
                RunRecordJson.toBytes(RunRecords.completed("r1", "resnet18", "se", 7, 0.7)));
        json.remove("seed");
        assertThrows(IOException.class, () -> RunRecordJson.fromBytes(mapper.writeValueAsBytes(json)));
    }

    @Test
    void constructorRejectsInconsistentRecords() {
        RunRecord valid = RunRecords.completed("r1", "resnet18", "se", 7, 0.7);
        assertInvalid("runId", () -> copy(valid, Map.of("runId", "../escape")));
        assertInvalid("runId", () -> copy(valid, Map.of("runId", ".hidden")));
        assertInvalid("backbone", () -> copy(valid, Map.of("backbone", " ")));
        assertInvalid("attention", () -> copy(valid, Map.of("attention", "")));
        assertInvalid("schemaVersion", () -> copy(valid, Map.of("schemaVersion", 2)));
        assertInvalid("completed run has no error", () -> copy(valid, Map.of("error", "oops")));
        assertInvalid("error of a failed run", () -> copy(valid, Map.of("status", RunStatus.FAILED)));
        assertInvalid("finalTop1", () -> copy(valid, Map.of("finalTop1", 70.0)));
        assertInvalid("at least one epoch", () -> copy(valid, Map.of("epochs", List.of())));
        assertInvalid("numbered 1..2", () -> copy(valid, Map.of("epochs", List.of(valid.epochs().get(1),
                valid.epochs().get(0)))));
        assertInvalid("workers", () -> copy(valid, Map.of("workers", 0)));
        assertInvalid("top1", () -> new EpochMetrics(1, 1.0, Double.NaN, 0.9, 10, 1, 1, 1));
        assertInvalid("top5", () -> new EpochMetrics(1, 1.0, 0.6, 0.5, 10, 1, 1, 1));
        assertInvalid("trainLoss", () -> new EpochMetrics(1, Double.NaN, 0.5, 0.6, 10, 1, 1, 1));
        assertInvalid("1-based", () -> new EpochMetrics(0, 1.0, 0.5, 0.6, 10, 1, 1, 1));
        assertInvalid("finishedAt", () -> new Provenance("c", "v", "v", "v", "v", "h",
                "2024-05-01T12:00:00Z", "yesterday"));
    }

    @Test
    void failedRunMayLackResults() {
        RunRecord failed = new RunRecord(1, "r1", RunStatus.FAILED, "OutOfMemoryError", "resnet18", "none", null,
                "standard", null, 1, Map.of(), List.of(), null, null, null, 0, 1.0, 0.0, "local[1]", 1, false,
                RunRecords.PROVENANCE, null, null, null);
        assertEquals(Map.of(), failed.attentionOptions());
    }

    @Test
    void provenanceOfThisJvm() {
        Instant start = Instant.parse("2024-05-01T12:00:00Z");
        Provenance provenance = Provenance.current("3.5.9", start, start.plusSeconds(90));

        assertEquals("1.0.0-M2.1", provenance.dl4jVersion(), "the DL4J version pinned in the parent pom");
        assertEquals(System.getProperty("java.version"), provenance.javaVersion());
        assertEquals("3.5.9", provenance.sparkVersion());
        assertEquals("2024-05-01T12:01:30Z", provenance.finishedAt());
        String root = System.getProperty("attnspark.root", System.getProperty("user.dir"));
        if (Files.exists(Path.of(root, ".git"))) {
            assertTrue(provenance.gitCommit().matches("[0-9a-f]{40}"), provenance.gitCommit());
        }
    }

    private static Set<String> fieldNames(JsonNode node) {
        Set<String> names = new TreeSet<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }

    private static void assertInvalid(String messagePart, Runnable construction) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, construction::run);
        assertTrue(e.getMessage().contains(messagePart),
                () -> "'" + e.getMessage() + "' should mention " + messagePart);
    }

    private static RunRecord withConfig(RunRecord r, Map<String, Object> config) {
        Map<String, Object> changes = new LinkedHashMap<>();
        changes.put("config", config);
        return copy(r, changes);
    }

    /** {@code r} with the named components replaced, through the canonical constructor. */
    private static RunRecord copy(RunRecord r, Map<String, Object> changes) {
        var components = RunRecord.class.getRecordComponents();
        List<Object> values = new ArrayList<>();
        Class<?>[] types = new Class<?>[components.length];
        try {
            for (int i = 0; i < components.length; i++) {
                types[i] = components[i].getType();
                String name = components[i].getName();
                values.add(changes.containsKey(name) ? changes.get(name) : components[i].getAccessor().invoke(r));
            }
            return RunRecord.class.getDeclaredConstructor(types).newInstance(values.toArray());
        } catch (java.lang.reflect.InvocationTargetException e) {
            if (e.getCause() instanceof RuntimeException runtime) {
                throw runtime;
            }
            throw new IllegalStateException(e);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(e);
        }
    }
}
