package io.attnspark.datasets.spark;

import com.esotericsoftware.kryo.Kryo;
import com.esotericsoftware.kryo.serializers.JavaSerializer;
import org.nd4j.kryo.Nd4jRegistrator;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Kryo setup of every attnspark Spark job: INDArrays as bulk bytes ({@link BulkArraySerializer}), plus Java serialization where Spark's
 * Kryo 4 fails: Java records ("can't get field offset on a record class") and the immutable collections of
 * {@code List.of}/{@code List.copyOf}, which Kryo rebuilds by calling their unsupported {@code add}.
 */
public class KryoRegistrator extends Nd4jRegistrator {

    @Override
    public void registerClasses(Kryo kryo) {
        super.registerClasses(kryo);
        kryo.register(Nd4j.getBackend().getNDArrayClass(), new BulkArraySerializer());
        kryo.addDefaultSerializer(Record.class, JavaSerializer.class);
        kryo.addDefaultSerializer(immutableCollections(), JavaSerializer.class);
    }

    private static Class<?> immutableCollections() {
        try {
            return Class.forName("java.util.ImmutableCollections$AbstractImmutableCollection");
        } catch (ClassNotFoundException e) {
            throw new IllegalStateException("this JDK lacks java.util.ImmutableCollections; attnspark needs Java 17", e);
        }
    }
}
