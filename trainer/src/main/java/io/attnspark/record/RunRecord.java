package io.attnspark.record;

import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The result of one training run, as stored in {@code <runId>.json} (schema version {@value #SCHEMA_VERSION}).
 *
 * @param schemaVersion    always {@value #SCHEMA_VERSION}; bumped on any incompatible change of these fields
 * @param runId            unique name of the run, also the file name: letters, digits, '.', '_' and '-'
 * @param status           whether the run completed
 * @param error            why a failed run failed; null for a completed run
 * @param backbone         e.g. {@code resnet50}
 * @param attention        attention registry name, {@code none} for the plain backbone
 * @param attentionOptions the attention module's hyperparameters
 * @param position         where the attention modules sit in the blocks, e.g. {@code standard}
 * @param defaultPlacement whether position and stages are the backbone's default for the module (the papers'
 *                         placement, e.g. GC after the add in stages 2-4); null in records that predate the field
 * @param seed             the run's random seed
 * @param config           the full run config, as the JSON object it serializes to
 * @param epochs           per-epoch metrics, numbered 1..n; empty for a run that failed before its first epoch
 * @param finalTop1        validation top-1 of the final model in [0, 1]; null only for a failed run
 * @param finalTop5        validation top-5 of the final model in [0, 1]; null only for a failed run
 * @param bestTop1         best validation top-1 over the epochs in [0, 1]; null only for a failed run
 * @param parameterCount   trainable parameters of the network; 0 only for a failed run
 * @param wallTimeSeconds  wall time of the whole run
 * @param imagesPerSecond  training throughput over all epochs
 * @param sparkMaster      the Spark master URL the run used
 * @param workers          number of Spark training workers
 * @param resumed          whether the run continued from a checkpoint
 * @param provenance       code, versions, host and times of the run
 * @param dataset          the packed dataset's identity; null in records that predate it and for runs that failed
 *                         before opening their data
 * @param experiment       which runs this one is comparable with ({@link Experiments#of}); null in records that
 *                         predate it, for which the aggregator computes it from the config
 * @param gpuAssignments   the GPUs Spark gave the training tasks, each (executor, partition, GPU) once, in
 *                         {@link GpuAssignment#ORDER}; empty for runs without GPU tasks and in records that predate it
 */
public record RunRecord(int schemaVersion, String runId, RunStatus status, String error,
                        String backbone, String attention, Map<String, Object> attentionOptions, String position,
                        Boolean defaultPlacement, long seed, Map<String, Object> config, List<EpochMetrics> epochs,
                        Double finalTop1, Double finalTop5, Double bestTop1, long parameterCount,
                        double wallTimeSeconds, double imagesPerSecond, String sparkMaster, int workers,
                        boolean resumed, Provenance provenance, DatasetIdentity dataset, Experiment experiment,
                        List<GpuAssignment> gpuAssignments) {

    public static final int SCHEMA_VERSION = 1;
    /** The {@link #attention} of a plain backbone. */
    public static final String NO_ATTENTION = "none";

    // a file name that no file system, shell or Spark (which hides names starting with '.' or '_') mangles
    private static final Pattern RUN_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]*");

    public RunRecord {
        if (schemaVersion != SCHEMA_VERSION) {
            throw new IllegalArgumentException("schemaVersion " + schemaVersion + " is not supported; this attnspark "
                    + "reads and writes version " + SCHEMA_VERSION);
        }
        Checks.nonBlank(runId, "runId");
        if (!RUN_ID.matcher(runId).matches()) {
            throw new IllegalArgumentException("runId '" + runId + "' must start with a letter or digit and contain "
                    + "only letters, digits, '.', '_' and '-', since it names the record file");
        }
        if (status == null) {
            throw new IllegalArgumentException("status must be completed or failed, got null");
        }
        if (status == RunStatus.COMPLETED && error != null) {
            throw new IllegalArgumentException("a completed run has no error, got '" + error + "'");
        }
        if (status == RunStatus.FAILED) {
            Checks.nonBlank(error, "error of a failed run");
        }
        Checks.nonBlank(backbone, "backbone");
        Checks.nonBlank(attention, "attention (use '" + NO_ATTENTION + "' for the plain backbone)");
        attentionOptions = attentionOptions == null ? Map.of() : RunRecordJson.toJsonObject(attentionOptions);
        Checks.nonBlank(position, "position");
        if (config == null) {
            throw new IllegalArgumentException("config must be the run config as a JSON object, got null");
        }
        config = RunRecordJson.toJsonObject(config);
        if (epochs == null) {
            throw new IllegalArgumentException("epochs must be a list (empty if no epoch finished), got null");
        }
        epochs = List.copyOf(epochs);
        for (int i = 0; i < epochs.size(); i++) {
            if (epochs.get(i).epoch() != i + 1) {
                throw new IllegalArgumentException("epochs must be numbered 1.." + epochs.size()
                        + " in order, but entry " + i + " is epoch " + epochs.get(i).epoch());
            }
        }
        if (status == RunStatus.COMPLETED) {
            if (epochs.isEmpty()) {
                throw new IllegalArgumentException("a completed run has at least one epoch");
            }
            if (finalTop1 == null || finalTop5 == null || bestTop1 == null) {
                throw new IllegalArgumentException("a completed run needs finalTop1, finalTop5 and bestTop1; "
                        + "take them from the epochs with finalTop1Of/finalTop5Of/bestTop1Of");
            }
            if (parameterCount <= 0) {
                throw new IllegalArgumentException("parameterCount of a completed run must be > 0, got "
                        + parameterCount);
            }
        }
        if (finalTop1 != null) {
            Checks.accuracy(finalTop1, "finalTop1");
        }
        if (finalTop5 != null) {
            Checks.accuracy(finalTop5, "finalTop5");
        }
        if (bestTop1 != null) {
            Checks.accuracy(bestTop1, "bestTop1");
        }
        if (parameterCount < 0) {
            throw new IllegalArgumentException("parameterCount must be >= 0, got " + parameterCount);
        }
        Checks.nonNegativeFinite(wallTimeSeconds, "wallTimeSeconds");
        Checks.nonNegativeFinite(imagesPerSecond, "imagesPerSecond");
        Checks.nonBlank(sparkMaster, "sparkMaster");
        if (workers < 1) {
            throw new IllegalArgumentException("workers must be >= 1, got " + workers);
        }
        if (provenance == null) {
            throw new IllegalArgumentException("provenance must be given; Provenance.current(...) gathers it");
        }
        gpuAssignments = gpuAssignments == null ? List.of() : gpuAssignments.stream().sorted(GpuAssignment.ORDER).toList();
    }

    /** Top-1 of the last epoch; null if there is none. */
    public static Double finalTop1Of(List<EpochMetrics> epochs) {
        return epochs.isEmpty() ? null : epochs.get(epochs.size() - 1).top1();
    }

    /** Top-5 of the last epoch; null if there is none. */
    public static Double finalTop5Of(List<EpochMetrics> epochs) {
        return epochs.isEmpty() ? null : epochs.get(epochs.size() - 1).top5();
    }

    /** The highest top-1 over the epochs; null if there is none. */
    public static Double bestTop1Of(List<EpochMetrics> epochs) {
        return epochs.stream().mapToDouble(EpochMetrics::top1).max().stream().boxed().findFirst().orElse(null);
    }

    /** All training images over all training seconds; 0 if nothing was trained. */
    public static double imagesPerSecondOf(List<EpochMetrics> epochs) {
        long images = epochs.stream().mapToLong(EpochMetrics::trainImages).sum();
        double seconds = epochs.stream().mapToDouble(EpochMetrics::trainSeconds).sum();
        return seconds > 0 ? images / seconds : 0.0;
    }
}
