package io.attnspark.results;

import io.attnspark.record.Experiment;
import io.attnspark.record.RunRecord;

/**
 * The runs of one variant within one experiment: a backbone with an attention module (and its options) at one
 * insertion position in some stages, at one value of the table axes if any.
 *
 * @param experiment       what every run of the variant held fixed
 * @param axis             the values of the {@code --axis} settings, e.g. {@code lr=0.1}; empty without axes
 * @param backbone         e.g. {@code resnet50}
 * @param attention        attention name, {@value RunRecord#NO_ATTENTION} for the plain backbone
 * @param options          the module's options as compact JSON, empty if none (and for plain)
 * @param position         insertion position; {@value #STANDARD_POSITION} for the plain backbone, whose runs are pooled
 *                         whatever their placement fields say, since there is no module to place
 * @param stages           {@code config.model.stages} as JSON text, {@value #ALL_STAGES} where the config has none and
 *                         for the plain backbone
 * @param defaultPlacement whether this is where the backbone puts the module by default (the papers' placement), the
 *                         variant of the main tables; always for the plain backbone
 * @param top1             final top-1 in percent, per seed
 * @param top5             final top-5 in percent, per seed
 * @param runs             runs, replicates of a seed included
 * @param parameters       mean trainable parameter count
 * @param imagesPerSecond  mean training throughput
 * @param hardware         where the runs ran (host and Spark master); several, separated by "; ", if they differ
 */
public record VariantStats(Experiment experiment, String axis, String backbone, String attention, String options,
                           String position, String stages, boolean defaultPlacement, Summary top1, Summary top5,
                           long runs, double parameters, double imagesPerSecond, String hardware) {

    /** The stages of a run whose config names none: the attention is in every stage. */
    public static final String ALL_STAGES = "all";
    /** How the trainer's config lists every stage of a four-stage backbone: the same placement as {@link #ALL_STAGES}. */
    public static final String EVERY_STAGE_LISTED = "[1,2,3,4]";
    /** The insertion position of the SE paper's main results. */
    public static final String STANDARD_POSITION = "standard";

    public VariantStats {
        if (!top1.bySeed().keySet().equals(top5.bySeed().keySet())) {
            throw new IllegalArgumentException("top-1 and top-5 must summarize the same seeds, got "
                    + top1.bySeed().keySet() + " and " + top5.bySeed().keySet());
        }
        axis = axis == null ? "" : axis;
        options = options == null ? "" : options;
    }

    /** Distinct seeds: what the statistics count. */
    public int seeds() {
        return top1.seeds();
    }

    /** Runs that repeated a seed already counted. */
    public long replicates() {
        return runs - seeds();
    }

    public boolean plain() {
        return RunRecord.NO_ATTENTION.equals(attention);
    }

    /** The row of a backbone x attention table: the backbone, and the axis values if any. */
    public String row() {
        return axis.isEmpty() ? backbone : backbone + " · " + axis;
    }

    /** The column of a backbone x attention table: {@code plain}, or the module with its options if it has any. */
    public String column() {
        return column(attention, options);
    }

    static String column(String attention, String options) {
        return AggregateResult.columnTitle(attention) + (options.isEmpty() ? "" : " " + options);
    }

    /**
     * Position and stages of a variant that is not at the default placement, leaving out all stages, e.g.
     * {@code post, stages [3,4]} or {@code standard}; empty for the default placement.
     */
    public String placement() {
        return placement(defaultPlacement, position, stages);
    }

    private static String placement(boolean defaultPlacement, String position, String stages) {
        if (defaultPlacement) {
            return "";
        }
        return ALL_STAGES.equals(stages) ? position : position + ", stages " + stages;
    }

    /** E.g. {@code resnet50 + se (post)}, {@code resnet50 · lr=0.1 plain}; unique within an experiment. */
    public String label() {
        return label(axis, backbone, attention, options, position, stages, defaultPlacement);
    }

    /** The one definition of a variant's label, also written into runs.parquet for the notebooks to group by. */
    static String label(String axis, String backbone, String attention, String options, String position,
                        String stages, boolean defaultPlacement) {
        boolean plain = RunRecord.NO_ATTENTION.equals(attention);
        String base = (axis.isEmpty() ? backbone : backbone + " · " + axis)
                + (plain ? " " + AggregateResult.PLAIN : " + " + column(attention, options));
        String placement = plain ? "" : placement(defaultPlacement, position, stages);
        return placement.isEmpty() ? base : base + " (" + placement + ")";
    }
}
