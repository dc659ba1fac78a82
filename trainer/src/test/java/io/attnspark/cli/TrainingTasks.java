package io.attnspark.cli;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.fail;

/**
 * Finds a training task in a driver's log, which must show the scheduler's task starts and ends
 * ({@code cluster-driver-log4j2.properties}), so that a test can kill the executor that runs it.
 */
final class TrainingTasks {

    private static final Pattern STARTED =
            Pattern.compile("Starting task \\S+ in stage \\S+ \\(TID (\\d+)\\) \\([^,]+, executor (\\d+),");
    private static final Pattern ENDED = Pattern.compile("(?:Finished|Lost) task \\S+ in stage \\S+ \\(TID (\\d+)\\)");

    private TrainingTasks() { }

    record Task(int id, int executor) { }

    /**
     * A task that has run for half a second: a training task, as the other tasks of an epoch (listing shards,
     * evaluating) take milliseconds or come after its progress lines. Kills the driver and fails if none runs in time.
     */
    static Task await(Process driver, Callable<String> log, Duration timeout) throws Exception {
        Map<Integer, Long> firstSeenRunning = new HashMap<>();
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline && driver.isAlive()) {
            String text = log.call();
            Map<Integer, Integer> running = new HashMap<>();
            STARTED.matcher(text).results().forEach(m -> running.put(Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2))));
            ENDED.matcher(text).results().forEach(m -> running.remove(Integer.parseInt(m.group(1))));
            long now = System.nanoTime();
            for (var task : running.entrySet()) {
                long since = firstSeenRunning.computeIfAbsent(task.getKey(), id -> now);
                if (now - since > TimeUnit.MILLISECONDS.toNanos(500)) {
                    return new Task(task.getKey(), task.getValue());
                }
            }
            Thread.sleep(100);
        }
        driver.descendants().forEach(ProcessHandle::destroyForcibly);
        driver.destroyForcibly();
        return fail("no task ran for half a second\n" + log.call());
    }
}
