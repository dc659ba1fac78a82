package io.attnspark.sweep;

import java.util.Map;

/**
 * A point's entry in the sweep index.
 *
 * @param attempts runs started for the point in this invocation of the sweep
 * @param runId    the run whose record completed the point; null until then
 * @param error    why the last attempt failed; null if none did
 */
public record PointState(int index, String id, Map<String, Object> overrides, PointStatus status, int attempts,
                         String runId, String error) {

    static PointState pending(SweepPoint point) {
        return new PointState(point.index(), point.id(), point.overrides(), PointStatus.PENDING, 0, null, null);
    }

    PointState running() {
        return new PointState(index, id, overrides, PointStatus.RUNNING, attempts + 1, runId, error);
    }

    PointState completed(String completedRunId) {
        return new PointState(index, id, overrides, PointStatus.COMPLETED, attempts, completedRunId, null);
    }

    PointState failed(String why, boolean lastAttempt) {
        return new PointState(index, id, overrides, lastAttempt ? PointStatus.FAILED : PointStatus.PENDING, attempts, runId, why);
    }
}
