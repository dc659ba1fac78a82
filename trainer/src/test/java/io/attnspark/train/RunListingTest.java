package io.attnspark.train;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.attnspark.record.EpochMetrics;
import io.attnspark.record.RunRecord;
import io.attnspark.record.RunRecordWriter;
import io.attnspark.record.RunRecords;
import io.attnspark.record.WriteMode;
import io.attnspark.train.config.ConfigLoader;
import io.attnspark.train.config.TrainConfig;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/** {@code attnspark runs}: records and checkpoints as one row per run, and a resume command that finds the checkpoint. */
class RunListingTest {

    @SuppressWarnings("unchecked")
    private static Map<String, Object> section(Map<String, Object> config, String name) {
        return (Map<String, Object>) config.get(name);
    }

    private static RunRecord withConfig(RunRecord record, TrainConfig config) {
        return new RunRecord(record.schemaVersion(), record.runId(), record.status(), record.error(), record.backbone(),
                record.attention(), record.attentionOptions(), record.position(), record.defaultPlacement(), record.seed(),
                ConfigLoader.toMap(config), record.epochs(), record.finalTop1(), record.finalTop5(), record.bestTop1(),
                record.parameterCount(), record.wallTimeSeconds(), record.imagesPerSecond(), record.sparkMaster(),
                record.workers(), record.resumed(), record.provenance(), record.dataset(), record.experiment(),
                record.gpuAssignments());
    }

    @Test
    void recordsAndCheckpointsGiveOneRowPerRunAndTheResumeCommandFindsTheSameSetup(@TempDir Path tmp) throws Exception {
        var hadoop = new Configuration();
        String results = tmp.resolve("results").toString();
        String work = tmp.resolve("work").toString();
        var done = ConfigLoader.load(null, List.of("data.path=/data/fmnist", "model.attention=se", "model.width=0.5",
                "recipe.epochs=2", "workDir=" + work));
        var interrupted = ConfigLoader.load(null, List.of("data.path=/data/fmnist", "model.attention=eca",
                "model.attentionOptions={gamma: 2}", "recipe.epochs=5", "recipe.lr=0.05", "workDir=" + work));
        var writer = new RunRecordWriter(hadoop);
        writer.write(withConfig(RunRecords.completed("r1", "resnet18", "se", 1, 0.8), done), results, WriteMode.OVERWRITE);
        writer.write(withConfig(RunRecords.failed("r2", "resnet18", "eca", "OutOfMemoryError"), interrupted), results,
                WriteMode.OVERWRITE);
        Files.writeString(tmp.resolve("results/notes.json"), "{not a record");
        var epoch = new EpochMetrics(1, 2.0, 0.4, 0.9, 100, 1, 1, 100.0);
        var json = new ObjectMapper();
        for (var state : List.of(
                new Checkpoints.State("r1", "2026-01-01T00:00:00Z", 2, List.of(epoch, epoch), ConfigLoader.toMap(done), null),
                new Checkpoints.State("r2", "2026-01-01T00:00:00Z", 3, List.of(epoch, epoch, epoch),
                        ConfigLoader.toMap(interrupted), null))) {
            Path dir = Files.createDirectories(tmp.resolve("work/checkpoints/" + state.runId() + "-setup"));
            json.writeValue(dir.resolve(String.format("epoch-%04d.json", state.epochsDone())).toFile(), state);
        }

        var listing = RunListing.list(results, work, hadoop);

        assertEquals(List.of("notes.json"), listing.unreadable());
        assertEquals(2, listing.rows().size());
        var completed = listing.rows().get(0);
        assertEquals(List.of("r1", "se", "width=0.5", 2, 2, "completed"), List.of(completed.runId(), completed.attention(),
                completed.summary(), completed.epochsDone(), completed.epochsPlanned(), completed.status()));
        assertNull(completed.resume());
        var resumable = listing.rows().get(1);
        assertEquals(List.of("r2", "eca", "attentionOptions={\"gamma\":2} lr=0.05", 3, 5, "failed"),
                List.of(resumable.runId(), resumable.attention(), resumable.summary(), resumable.epochsDone(),
                        resumable.epochsPlanned(), resumable.status()));
        assertEquals(0.4, resumable.top1());

        // the command, run as given, resolves to the config whose setup the checkpoint holds
        List<String> overrides = new ArrayList<>();
        var set = Pattern.compile("--(data|set) ('([^']*)'|\\S+)").matcher(resumable.resume());
        while (set.find()) {
            String value = set.group(3) != null ? set.group(3) : set.group(2);
            overrides.add(set.group(1).equals("data") ? "data.path=" + value : value);
        }
        var resumed = ConfigLoader.toMap(ConfigLoader.load(null, overrides));
        var original = ConfigLoader.toMap(interrupted);
        for (String section : List.of("data", "model", "recipe")) {
            assertEquals(section(original, section), section(resumed, section), resumable.resume());
        }
        assertEquals(original.get("workDir"), resumed.get("workDir"), resumable.resume());
    }
}
