package io.attnspark.results;

import io.attnspark.record.RunRecord;

/**
 * The runs (seeds) of one variant: a backbone with an attention module at one insertion position in some stages.
 *
 * @param backbone        e.g. {@code resnet50}
 * @param attention       attention name, {@value RunRecord#NO_ATTENTION} for the plain backbone
 * @param position        insertion position; {@value #STANDARD_POSITION} for the plain backbone, whose runs are pooled
 *                        whatever their placement fields say, since there is no module to place
 * @param stages          {@code config.model.stages} as JSON text, {@value #ALL_STAGES} where the config has none and
 *                        for the plain backbone
 * @param defaultPlacement whether this is where the backbone puts the module by default (the papers' placement),
 *                        the variant of the main tables; always for the plain backbone
 * @param top1            final top-1 in percent
 * @param top5            final top-5 in percent
 * @param parameters      mean trainable parameter count
 * @param imagesPerSecond mean training throughput
 */
public record VariantStats(String backbone, String attention, String position, String stages,
                           boolean defaultPlacement, Summary top1,
                           Summary top5, double parameters, double imagesPerSecond) {

    /** The stages of a run whose config names none: the attention is in every stage. */
    public static final String ALL_STAGES = "all";
    /** How the trainer's config lists every stage of a four-stage backbone: the same placement as {@link #ALL_STAGES}. */
    public static final String EVERY_STAGE_LISTED = "[1,2,3,4]";
    /** The insertion position of the SE paper's main results. */
    public static final String STANDARD_POSITION = "standard";

    public VariantStats {
        if (top1.runs() != top5.runs()) {
            throw new IllegalArgumentException("top-1 and top-5 must summarize the same runs, got " + top1.runs()
                    + " and " + top5.runs());
        }
    }

    public long runs() {
        return top1.runs();
    }

    public boolean plain() {
        return RunRecord.NO_ATTENTION.equals(attention);
    }

    /**
     * Position and stages of a variant that is not at the default placement, leaving out all stages, e.g.
     * {@code post, stages [3,4]} or {@code standard}; empty for the default placement.
     */
    public String placement() {
        if (plain() || defaultPlacement) {
            return "";
        }
        return ALL_STAGES.equals(stages) ? position : position + ", stages " + stages;
    }

    /** E.g. {@code resnet50 + se (post)} or {@code resnet50 plain}. */
    public String label() {
        String base = backbone + (plain() ? " " + AggregateResult.PLAIN : " + " + attention);
        String placement = placement();
        return placement.isEmpty() ? base : base + " (" + placement + ")";
    }
}
