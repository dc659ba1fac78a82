package io.attnspark.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/** A placement fills in only what a config leaves out, and checks its stages in one place. */
class PlacementTest {

    private static final Placement GC = new Placement(AttentionPosition.AFTER_ADD, new TreeSet<>(Set.of(2, 3, 4)));

    @Test
    void theDefaultFillsOnlyWhatIsMissingAndIsNotAskedWhenNothingIs() {
        assertEquals(GC, Placement.orDefault(null, null, () -> GC));
        assertEquals(new Placement(AttentionPosition.POST, GC.stages()), Placement.orDefault(AttentionPosition.POST, null, () -> GC));
        assertEquals(new Placement(AttentionPosition.AFTER_ADD, new TreeSet<>(Set.of(4))),
                Placement.orDefault(null, List.of(4), () -> GC));
        assertEquals(Placement.STANDARD, Placement.orDefault(AttentionPosition.STANDARD, List.of(4, 1, 3, 2), () -> {
            throw new AssertionError("the default was asked for although nothing was missing");
        }));
    }

    @Test
    void stagesMustBeANonEmptySubsetOfOneToFour() {
        String empty = assertThrows(IllegalArgumentException.class,
                () -> new Placement(AttentionPosition.STANDARD, new TreeSet<>())).getMessage();
        assertTrue(empty.contains("non-empty subset") && empty.contains("attention 'none'"), empty);
        assertThrows(IllegalArgumentException.class, () -> new Placement(AttentionPosition.STANDARD, new TreeSet<>(Set.of(5))));
    }
}
