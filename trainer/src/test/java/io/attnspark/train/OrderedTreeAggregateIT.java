package io.attnspark.train;

import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.api.java.function.Function2;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;

/**
 * Float sums over Spark partitions come out the same, bit for bit, whichever task finishes first, and follow the
 * documented order: partition order on the driver, partial {@code i} to reducer {@code i % width} in a tree level.
 */
class OrderedTreeAggregateIT {

    private static final int PARTITIONS = 12;
    private static final int VALUES = 2000;
    private static final Function2<float[], float[], float[]> ADD = OrderedTreeAggregateIT::addInto;
    private static JavaSparkContext spark;
    private static List<float[]> partials;

    @BeforeAll
    static void startSpark() {
        spark = new JavaSparkContext(SparkSetup.conf("OrderedTreeAggregateIT", "local[4]", Map.of()));
        partials = new ArrayList<>();
        var random = new Random(5);
        for (int p = 0; p < PARTITIONS; p++) {
            float[] values = new float[VALUES];
            for (int i = 0; i < VALUES; i++) {
                // magnitudes over eight decades, so that the order of the additions shows in the last bits
                values[i] = (float) ((random.nextBoolean() ? 1 : -1) * Math.pow(10, 8 * random.nextDouble() - 4));
            }
            partials.add(values);
        }
    }

    @AfterAll
    static void stopSpark() {
        spark.stop();
    }

    @Test
    void theDriverSumsInPartitionOrderWhicheverTaskFinishesFirst() throws Exception {
        float[] leftFold = fold(List.of(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11));
        assertFalse(Arrays.equals(leftFold, fold(List.of(11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1, 0))),
                "the test values must be sensitive to the order of the sum");

        // depth 1: no tree level; the first run's tasks finish in partition order, the second's in reverse
        assertArrayEquals(leftFold, aggregate(1, false));
        assertArrayEquals(leftFold, aggregate(1, true));
    }

    @Test
    void aTreeLevelCombinesEachGroupInPartitionOrder() throws Exception {
        // Spark's shape for 12 partitions at depth 2: one level of width 3, partial i to reducer i % 3
        float[] expected = addInto(addInto(fold(List.of(0, 3, 6, 9)), fold(List.of(1, 4, 7, 10))), fold(List.of(2, 5, 8, 11)));

        assertArrayEquals(expected, aggregate(2, false));
        assertArrayEquals(expected, aggregate(2, true));
    }

    @Test
    void anEmptyRddGivesNull() throws Exception {
        assertNull(OrderedTreeAggregate.aggregate(spark.<float[]>emptyRDD(), ADD, 2));
    }

    /** Aggregates the partials on Spark, the tasks of later partitions finishing later, or with reverse, earlier. */
    private static float[] aggregate(int depth, boolean reverse) throws Exception {
        JavaRDD<float[]> rdd = spark.parallelize(partials, PARTITIONS).mapPartitionsWithIndex((p, values) -> {
            Thread.sleep(40L * (reverse ? PARTITIONS - p : p));
            return values;
        }, true);
        return OrderedTreeAggregate.aggregate(rdd, ADD, depth);
    }

    private static float[] fold(List<Integer> order) {
        float[] sum = partials.get(order.get(0)).clone();
        for (int p : order.subList(1, order.size())) {
            addInto(sum, partials.get(p));
        }
        return sum;
    }

    private static float[] addInto(float[] sum, float[] values) {
        for (int i = 0; i < sum.length; i++) {
            sum[i] += values[i];
        }
        return sum;
    }
}
