package io.attnspark.train;

import io.attnspark.record.GpuAssignment;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The task side without GPUs; {@code GpuAssignmentIT} covers tasks that Spark gives GPUs. */
class TaskGpuTest {

    private static JavaSparkContext spark;

    @BeforeAll
    static void start() {
        spark = new JavaSparkContext(SparkSetup.conf("TaskGpuTest", "local[2]", Map.of()));
    }

    @AfterAll
    static void stop() {
        spark.close();
    }

    @Test
    void tasksWithoutGpusPassTheirDataThroughAndRecordNothing() {
        var assignments = TaskGpu.Assignments.register(spark);
        var data = List.of("a", "b", "c", "d", "e");

        assertEquals(data, spark.parallelize(data, 2).mapPartitions(new TaskGpu<>(assignments), true).collect());
        assertEquals(List.of(), assignments.value());
        assertTrue(assignments.isZero());
    }

    @Test
    void assignmentsMergeIntoEachDistinctOneInOrder() {
        var driver = new TaskGpu.Assignments();
        var task1 = driver.copyAndReset();
        task1.add(new GpuAssignment("1", 1, "0"));
        var task2 = driver.copyAndReset();
        task2.add(new GpuAssignment("0", 0, "1"));
        task2.add(new GpuAssignment("1", 1, "0"));

        driver.merge(task1);
        driver.merge(task2);

        assertEquals(List.of(new GpuAssignment("0", 0, "1"), new GpuAssignment("1", 1, "0")), driver.value());
    }

    @Test
    void aTaskTrainsOnOneGpuOrAShareOfOne() {
        TaskGpu.checkTaskAmount(new SparkConf());
        TaskGpu.checkTaskAmount(new SparkConf().set("spark.task.resource.gpu.amount", "1"));
        TaskGpu.checkTaskAmount(new SparkConf().set("spark.task.resource.gpu.amount", "0.5"));
        var error = assertThrows(IllegalArgumentException.class,
                () -> TaskGpu.checkTaskAmount(new SparkConf().set("spark.task.resource.gpu.amount", "2")));
        assertEquals("spark.task.resource.gpu.amount=2: a training task trains on one GPU, so the others would idle;"
                + " set it to 1, or to a fraction such as 0.5 for tasks that share a GPU", error.getMessage());
    }

    @Test
    void aGpuAddressMustBeACudaDeviceIndex() {
        assertEquals(3, TaskGpu.cudaDevice("3"));
        var error = assertThrows(IllegalStateException.class, () -> TaskGpu.cudaDevice("GPU-5f2c"));
        assertTrue(error.getMessage().contains("getGpusResources.sh"), error.getMessage());
    }
}
