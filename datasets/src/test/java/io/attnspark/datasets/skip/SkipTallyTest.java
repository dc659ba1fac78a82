package io.attnspark.datasets.skip;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;

import org.apache.commons.lang3.SerializationUtils;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.ObjectMapper;

class SkipTallyTest {
    @Test
    void talliesAddPerReasonAndKeepOnlyTheFirstExamples() {
        SkipTally tally = SkipTally.NONE;
        for (int i = 0; i < 12; i++) {
            tally = tally.plus(SkipTally.of(i % 2 == 0 ? SkipReason.EMPTY_FILE : SkipReason.TRUNCATED, "f" + i, "why"));
        }
        tally = tally.plus(SkipTally.of(SkipReason.UNKNOWN_CLASS, 5, List.of("u1", "u2")));

        assertEquals(Map.of(SkipReason.EMPTY_FILE, 6L, SkipReason.TRUNCATED, 6L, SkipReason.UNKNOWN_CLASS, 5L),
                tally.counts());
        assertEquals(17, tally.total());
        assertEquals(SkipTally.EXAMPLES, tally.examples().size());
        assertEquals("f0: why", tally.examples().get(0));
        assertEquals("17 skipped (EMPTY_FILE 6, TRUNCATED 6, UNKNOWN_CLASS 5)", tally.summary());
        assertEquals("none skipped", SkipTally.NONE.summary());
        assertEquals(Map.of(), SkipTally.of(SkipReason.UNKNOWN_CLASS, 0, List.of()).counts(), "zero counts are dropped");
        assertThrows(IllegalArgumentException.class, () -> SkipTally.of(SkipReason.TRUNCATED, -1, List.of()));
    }

    @Test
    void aTallyRoundTripsThroughJsonAndJavaSerialization() throws Exception {
        SkipTally tally = SkipTally.of(SkipReason.NOT_AN_IMAGE, "a.JPEG", "text").plus(
                SkipTally.of(SkipReason.EMPTY_FILE, "b.JPEG", "0 bytes"));
        ObjectMapper json = new ObjectMapper();

        assertEquals(tally, json.readValue(json.writeValueAsString(tally), SkipTally.class));
        assertEquals(tally, SerializationUtils.clone(tally));
    }

    @Test
    void theAccumulatorMergesTaskCopies() {
        SkipAccumulator driver = new SkipAccumulator();
        SkipAccumulator task = driver.copy();
        task.reset();
        task.add(SkipTally.of(SkipReason.TRUNCATED, "x", "cut"));
        assertTrue(driver.isZero());

        SkipAccumulator otherTask = driver.copy();
        otherTask.add(SkipTally.of(SkipReason.EMPTY_FILE, "y", "0 bytes"));

        driver.merge(task);
        driver.merge(otherTask);

        assertEquals(Map.of(SkipReason.TRUNCATED, 1L, SkipReason.EMPTY_FILE, 1L), driver.value().counts());
        assertEquals(List.of("x: cut", "y: 0 bytes"), driver.value().examples());
    }
}
