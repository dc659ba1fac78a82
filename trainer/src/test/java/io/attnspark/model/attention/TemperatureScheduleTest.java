package io.attnspark.model.attention;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class TemperatureScheduleTest {

    /** The DY-CNN paper: linear from 30 to 1 over the first 10 epochs. */
    @Test
    void annealsLinearlyThenHolds() {
        var schedule = new TemperatureSchedule(30, 1, 10);

        assertEquals(30.0, schedule.temperatureAt(0), 1e-12);
        assertEquals(27.1, schedule.temperatureAt(1), 1e-12);
        assertEquals(15.5, schedule.temperatureAt(5), 1e-12);
        assertEquals(3.9, schedule.temperatureAt(9), 1e-12);
        assertEquals(1.0, schedule.temperatureAt(10), 1e-12);
        assertEquals(1.0, schedule.temperatureAt(90), 1e-12);
    }

    @Test
    void constantKeepsItsTemperature() {
        var schedule = TemperatureSchedule.constant(30);

        assertEquals(30.0, schedule.temperatureAt(0));
        assertEquals(30.0, schedule.temperatureAt(50));
    }

    @Test
    void invalidSchedulesAreRejected() {
        assertThrows(IllegalArgumentException.class, () -> new TemperatureSchedule(0, 1, 10));
        assertThrows(IllegalArgumentException.class, () -> new TemperatureSchedule(30, Double.NaN, 10));
        assertThrows(IllegalArgumentException.class, () -> new TemperatureSchedule(Double.POSITIVE_INFINITY, 1, 10));
        assertThrows(IllegalArgumentException.class, () -> new TemperatureSchedule(30, 1, -1));
        assertThrows(IllegalArgumentException.class, () -> new TemperatureSchedule(30, 1, 0));
        assertThrows(IllegalArgumentException.class, () -> new TemperatureSchedule(30, 1, 10).temperatureAt(-1));
    }
}
