package io.attnspark.train;

import io.attnspark.record.DatasetIdentity;
import io.attnspark.record.EpochMetrics;
import io.attnspark.record.Experiments;
import io.attnspark.record.Provenance;
import io.attnspark.record.RunRecord;
import io.attnspark.record.RunStatus;
import io.attnspark.train.config.ConfigLoader;
import io.attnspark.train.config.TrainConfig;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.spark.api.java.JavaSparkContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** What a run has gathered so far, so a failed run still produces a record and a resumed one continues it. */
final class RunRecordBuilder {

    private static final Logger LOG = LoggerFactory.getLogger(Trainer.class);

    private final TrainConfig config;
    final JavaSparkContext sc;
    final List<EpochMetrics> epochs = new ArrayList<>();
    String id;
    Instant started;
    boolean resumed;
    long parameterCount;
    int workers = 1;
    List<String> classIds;
    DatasetIdentity dataset;
    final TaskGpu.Assignments gpuAssignments;

    RunRecordBuilder(TrainConfig config, Instant started, JavaSparkContext sc) {
        this.config = config;
        this.started = started;
        this.sc = sc;
        this.id = runId(started);
        this.gpuAssignments = TaskGpu.Assignments.register(sc);
    }

    void resumeFrom(Checkpoints.State state) {
        id = state.runId();
        started = Instant.parse(state.startedAt());
        epochs.addAll(state.epochs());
        resumed = true;
    }

    Checkpoints.State state() {
        return new Checkpoints.State(id, started.toString(), epochs.size(), List.copyOf(epochs), ConfigLoader.toMap(config),
                classIds);
    }

    RunRecord failed(Exception e) {
        LOG.error("run {} failed", id, e);
        return record(RunStatus.FAILED, e.getClass().getSimpleName() + ": " + e.getMessage());
    }

    RunRecord record(RunStatus status, String error) {
        Instant finished = Instant.now();
        var model = config.model();
        Map<String, Object> stored = ConfigLoader.toMap(config);
        return new RunRecord(RunRecord.SCHEMA_VERSION, id, status, error, model.backbone(), model.attention(),
                model.attentionOptions(), model.position().configName(), model.defaultPlacement(),
                config.recipe().seed(), stored, epochs,
                RunRecord.finalTop1Of(epochs), RunRecord.finalTop5Of(epochs), RunRecord.bestTop1Of(epochs),
                parameterCount, Duration.between(started, finished).toMillis() / 1000.0,
                RunRecord.imagesPerSecondOf(epochs), sc.master(), workers, resumed,
                Provenance.current(sc.version(), started, finished), dataset,
                Experiments.of(stored, dataset, workers, List.of()), gpuAssignments.value());
    }

    private String runId(Instant started) {
        String time = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss").withZone(ZoneOffset.UTC).format(started);
        return config.model().backbone() + "-" + config.model().attention() + "-" + time + "-"
                + UUID.randomUUID().toString().substring(0, 6);
    }
}
