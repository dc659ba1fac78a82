package io.attnspark.model;

import java.util.Collection;
import java.util.Collections;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.function.Supplier;

/**
 * Where a backbone puts an attention module: a position and the 1-based residual stages.
 *
 * @param position where in a block (or stage) the module goes
 * @param stages   the stages that get it, a non-empty subset of {@link #ALL_STAGES}, sorted
 */
public record Placement(AttentionPosition position, SortedSet<Integer> stages) {

    /** The four stages of a ResNet ({@code layer1..layer4}). */
    public static final SortedSet<Integer> ALL_STAGES = Collections.unmodifiableSortedSet(new TreeSet<>(Set.of(1, 2, 3, 4)));

    /** The SE paper's default: every block of every stage, before the residual add. */
    public static final Placement STANDARD = new Placement(AttentionPosition.STANDARD, ALL_STAGES);

    /** @throws IllegalArgumentException for a missing position, or stages that are empty or not among 1..4 */
    public Placement {
        if (position == null || stages == null) {
            throw new IllegalArgumentException("a placement needs a position and stages, got " + position + " and " + stages);
        }
        if (stages.isEmpty() || !ALL_STAGES.containsAll(stages)) {
            throw new IllegalArgumentException("stages must be a non-empty subset of " + ALL_STAGES + ", got " + stages
                    + "; for no attention at all use attention 'none'");
        }
        stages = Collections.unmodifiableSortedSet(new TreeSet<>(stages));
    }

    /** The given position and stages, each taken from {@code paper} (asked only then) when it is {@code null}. */
    public static Placement orDefault(AttentionPosition position, Collection<Integer> stages, Supplier<Placement> paper) {
        if (position != null && stages != null) {
            return new Placement(position, new TreeSet<>(stages));
        }
        Placement byDefault = paper.get();
        return new Placement(position == null ? byDefault.position() : position,
                stages == null ? byDefault.stages() : new TreeSet<>(stages));
    }
}
