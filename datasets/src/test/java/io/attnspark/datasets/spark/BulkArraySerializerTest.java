package io.attnspark.datasets.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.ref.Reference;
import java.util.List;

import org.apache.spark.SparkConf;
import org.apache.spark.serializer.KryoSerializer;
import org.apache.spark.serializer.SerializerInstance;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

import scala.reflect.ClassTag;
import scala.reflect.ClassTag$;

/** Arrays through Spark's Kryo with attnspark's registrator: same shape, type and bits, whatever their layout. */
class BulkArraySerializerTest {

    private static final SerializerInstance KRYO = new KryoSerializer(
            new SparkConf().set("spark.kryo.registrator", KryoRegistrator.class.getName())).newInstance();
    private static final ClassTag<Object> ANY = ClassTag$.MODULE$.apply(Object.class);

    @Test
    void numericArraysArriveBitForBit() {
        Nd4j.getRandom().setSeed(5);
        INDArray matrix = Nd4j.randn(DataType.FLOAT, 37, 29);
        List<INDArray> arrays = List.of(
                matrix,
                Nd4j.randn(DataType.DOUBLE, 3, 4, 5),
                Nd4j.createFromArray(Float.NaN, -0.0f, Float.MIN_VALUE, Float.POSITIVE_INFINITY),
                Nd4j.createFromArray(1L << 40, -3L),
                Nd4j.createFromArray(7, 8, 9).castTo(DataType.INT),
                Nd4j.createFromArray(true, false, true),
                Nd4j.randn(DataType.FLOAT, 2, 3).castTo(DataType.HALF),
                Nd4j.scalar(2.5f),
                Nd4j.create(DataType.FLOAT, 0, 3),
                // a long parameter vector, several chunks long
                Nd4j.rand(DataType.FLOAT, 1, 700_001));
        for (INDArray array : arrays) {
            assertSame(array, roundTrip(array));
        }
    }

    @Test
    void viewsAndFortranOrderArriveAsTheirValues() {
        INDArray matrix = Nd4j.arange(0, 60).castTo(DataType.FLOAT).reshape('c', 6, 10);
        INDArray view = matrix.get(NDArrayIndex.interval(1, 4), NDArrayIndex.interval(2, 9));
        INDArray fortran = matrix.dup('f');
        INDArray column = matrix.getColumn(3);

        for (INDArray array : List.of(view, fortran, column, matrix.transpose())) {
            INDArray back = roundTrip(array);
            assertEquals(array, back);
            assertEquals('c', back.ordering());
            assertTrue(!back.isView());
        }
    }

    private static INDArray roundTrip(INDArray array) {
        return (INDArray) KRYO.deserialize(KRYO.serialize(array, ANY), ANY);
    }

    private static void assertSame(INDArray expected, INDArray actual) {
        assertEquals(expected.dataType(), actual.dataType());
        assertArrayEquals(expected.shape(), actual.shape());
        assertEquals(expected.isEmpty(), actual.isEmpty());
        if (!expected.isEmpty()) {
            assertArrayEquals(bits(expected), bits(actual));
        }
    }

    private static byte[] bits(INDArray array) {
        INDArray dense = array.dup('c');
        var bytes = dense.data().asNio();
        byte[] copy = new byte[(int) (array.length() * array.dataType().width())];
        bytes.position(0);
        bytes.get(copy);
        Reference.reachabilityFence(dense);
        return copy;
    }
}
