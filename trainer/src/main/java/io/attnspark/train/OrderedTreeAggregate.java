package io.attnspark.train;

import org.apache.spark.HashPartitioner;
import org.apache.spark.api.java.JavaPairRDD;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.function.Function2;
import scala.Tuple2;

import java.util.Collections;
import java.util.Iterator;
import java.util.List;

/**
 * Spark's {@code treeAggregate} with a combination order fixed by partition indices alone. Spark's own combines partial
 * results on the driver in the order their tasks finish, and in its tree levels in the order shuffle blocks arrive; for
 * a combination that is not associative (float sums) the answer then depends on task timing and placement, so a task
 * retried after an executor loss changes the last bits. Here each partition is folded in its own order, a tree level
 * sends partial {@code i} to reducer {@code i % width}, which folds its inputs sorted by {@code i}, and the driver folds
 * the last level in partition order. The tree has Spark's shape: the same levels for the same depth and partitions.
 */
final class OrderedTreeAggregate {

    private OrderedTreeAggregate() { }

    /**
     * @param combine may modify and return its first argument
     * @return the combination of all elements, or null if the RDD has none
     */
    static <T> T aggregate(JavaRDD<T> rdd, Function2<T, T, T> combine, int depth) throws Exception {
        JavaRDD<T> partials = rdd.mapPartitions(elements -> foldedIterator(elements, combine));
        int width = partials.getNumPartitions();
        int scale = Math.max((int) Math.ceil(Math.pow(width, 1.0 / depth)), 2);
        // Spark's rule: add a level only while it shortens the driver's work
        while (width > scale + Math.ceil((double) width / scale)) {
            width /= scale;
            partials = JavaPairRDD.fromJavaRDD(partials.mapPartitionsWithIndex(OrderedTreeAggregate::keyedBy, false))
                    .repartitionAndSortWithinPartitions(new HashPartitioner(width))
                    .values()
                    .mapPartitions(elements -> foldedIterator(elements, combine));
        }
        return fold(partials.collect().iterator(), combine);
    }

    private static <T> Iterator<Tuple2<Integer, T>> keyedBy(int partition, Iterator<T> elements) {
        return elements.hasNext() ? List.of(new Tuple2<>(partition, elements.next())).iterator() : Collections.emptyIterator();
    }

    private static <T> Iterator<T> foldedIterator(Iterator<T> elements, Function2<T, T, T> combine) throws Exception {
        T folded = fold(elements, combine);
        return folded == null ? Collections.emptyIterator() : List.of(folded).iterator();
    }

    private static <T> T fold(Iterator<T> elements, Function2<T, T, T> combine) throws Exception {
        T result = elements.hasNext() ? elements.next() : null;
        while (elements.hasNext()) {
            result = combine.call(result, elements.next());
        }
        return result;
    }
}
