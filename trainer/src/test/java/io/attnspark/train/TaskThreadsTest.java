package io.attnspark.train;

import org.apache.spark.SparkConf;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.nativeblas.NativeOpsHolder;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;

import static org.junit.jupiter.api.Assertions.assertEquals;

class TaskThreadsTest {

    @Test
    void localWorkersShareTheCores() {
        var conf = new SparkConf();
        assertEquals(1, TaskThreads.perTask("local[2]", conf, 2, 2));
        assertEquals(2, TaskThreads.perTask("local[2]", conf, 1, 2), "one worker gets both cores");
        assertEquals(4, TaskThreads.perTask("local[*]", conf, 2, 8));
        assertEquals(2, TaskThreads.perTask("local[2]", conf, 4, 4), "only two of the four workers run at once");
        assertEquals(1, TaskThreads.perTask("local[8]", conf, 8, 2), "never fewer than one");
    }

    @Test
    void clusterTasksGetTheirTaskCpusOrTheExecutorDefault() {
        assertEquals(0, TaskThreads.perTask("spark://127.0.0.1:7077", new SparkConf(), 4, 2));
        assertEquals(3, TaskThreads.perTask("yarn", new SparkConf().set("spark.task.cpus", "3"), 4, 2));
    }

    @Test
    void setsTheCallingThreadsOpenMpThreadsAndPassesTheDataThrough() throws ExecutionException, InterruptedException {
        Nd4j.create(1);
        var ops = NativeOpsHolder.getInstance().getDeviceNativeOps();
        int before = ops.ompGetMaxThreads();
        // a thread of its own, as a Spark task has: OpenMP keeps the count per thread
        var seen = CompletableFuture.supplyAsync(() -> {
            var data = List.of("a", "b");
            var passed = new TaskThreads<String>(before + 1).call(data.iterator());
            assertEquals("a", passed.next());
            return ops.ompGetMaxThreads();
        }).get();

        assertEquals(before + 1, seen);
        assertEquals(before, ops.ompGetMaxThreads(), "other threads keep theirs");
    }
}
