package io.attnspark.model;

import java.util.Collections;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * Where a backbone puts an attention module: a position and the 1-based residual stages.
 *
 * @param position where in a block (or stage) the module goes
 * @param stages   the stages that get it, sorted
 */
public record Placement(AttentionPosition position, SortedSet<Integer> stages) {

    /** The SE paper's default: every block of every stage, before the residual add. */
    public static final Placement STANDARD = new Placement(AttentionPosition.STANDARD, ModelSpec.ALL_STAGES);

    public Placement {
        if (position == null || stages == null) {
            throw new IllegalArgumentException("a placement needs a position and stages, got " + position + " and " + stages);
        }
        stages = Collections.unmodifiableSortedSet(new TreeSet<>(stages));
    }
}
