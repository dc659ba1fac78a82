package io.attnspark.cli;

import java.io.IOException;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.function.IntFunction;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.fail;

/**
 * Kills an executor while it runs a training task, found in a driver's log, which must show the scheduler's task
 * starts and ends ({@code cluster-driver-log4j2.properties}).
 */
final class TrainingTasks {

    private static final Pattern STARTED =
            Pattern.compile("Starting task \\S+ in stage \\S+ \\(TID (\\d+)\\) \\([^,]+, executor (\\d+),");
    private static final Pattern ENDED = Pattern.compile("(?:Finished|Lost) task \\S+ in stage \\S+ \\(TID (\\d+)\\)");
    /** Long enough for a status update the executor sent before it stopped to reach the driver's log. */
    private static final long SETTLE_MILLIS = 1500;

    private TrainingTasks() { }

    /** A task the driver ran on {@code executor}, whose JVM, {@code executorPid}, was killed while it ran. */
    record Task(int id, int executor, long executorPid) { }

    /**
     * Picks a task that has run for half a second (a training task: the other tasks of an epoch, listing shards and
     * evaluating, take milliseconds), stops its executor's JVM with SIGSTOP so that the task cannot finish, and kills
     * the JVM only if the driver's log still shows the task running once in-flight updates have landed; otherwise it
     * resumes the JVM and tries again. A fast host can finish a task between reading the log and a plain kill, and the
     * task would then never be lost. Kills the driver and fails if no task can be caught in time.
     */
    static Task killExecutorDuringTask(Process driver, Callable<String> log, IntFunction<ProcessHandle> executorJvm,
                                       Duration timeout) throws Exception {
        Map<Integer, Long> firstSeenRunning = new HashMap<>();
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline && driver.isAlive()) {
            long now = System.nanoTime();
            for (var task : running(log.call()).entrySet()) {
                long since = firstSeenRunning.computeIfAbsent(task.getKey(), id -> now);
                if (now - since > TimeUnit.MILLISECONDS.toNanos(500)) {
                    ProcessHandle jvm = executorJvm.apply(task.getValue());
                    if (caughtAndKilled(task.getKey(), log, jvm)) {
                        return new Task(task.getKey(), task.getValue(), jvm.pid());
                    }
                    break;
                }
            }
            Thread.sleep(100);
        }
        driver.descendants().forEach(ProcessHandle::destroyForcibly);
        driver.destroyForcibly();
        return fail("no task could be caught running for half a second\n" + log.call());
    }

    private static boolean caughtAndKilled(int taskId, Callable<String> log, ProcessHandle jvm) throws Exception {
        signal(jvm, "STOP");
        Thread.sleep(SETTLE_MILLIS);
        if (running(log.call()).containsKey(taskId)) {
            jvm.destroyForcibly();
            return true;
        }
        signal(jvm, "CONT");
        System.out.printf("task %d ended before executor JVM %d stopped; trying another%n", taskId, jvm.pid());
        return false;
    }

    private static Map<Integer, Integer> running(String log) {
        Map<Integer, Integer> running = new HashMap<>();
        STARTED.matcher(log).results().forEach(m -> running.put(Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2))));
        ENDED.matcher(log).results().forEach(m -> running.remove(Integer.parseInt(m.group(1))));
        return running;
    }

    /** Java cannot stop or continue a process, so this asks kill(1). */
    private static void signal(ProcessHandle jvm, String signal) throws IOException, InterruptedException {
        int exit = new ProcessBuilder("kill", "-" + signal, String.valueOf(jvm.pid())).inheritIO().start().waitFor();
        if (exit != 0 && jvm.isAlive()) {
            throw new IOException("kill -" + signal + " " + jvm.pid() + " exited with " + exit);
        }
    }
}
