package io.attnspark.train;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

class TrainingTimesTest {

    @Test
    void splitsTheDataWaitOutOfTheOverheadAndGivesItsShareOfTheStep() {
        var epoch = new TrainingTimes(61.0, 9.0, 0.5).minus(new TrainingTimes(30.0, 4.0, 0.25));

        assertEquals(new TrainingTimes(31.0, 5.0, 0.25), epoch);
        assertEquals("workers fitting 0:00:31, waiting for data 0.3 s (0.8%), other 0:00:05", epoch.describe());
    }

    @Test
    void gradientSharingHasNoSplit() {
        assertEquals("no time split from this training master", new TrainingTimes(null, null, null).describe());
    }
}
