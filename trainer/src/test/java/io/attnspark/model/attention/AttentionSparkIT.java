package io.attnspark.model.attention;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.serializer.KryoSerializer;
import org.apache.spark.serializer.SerializerInstance;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration.GraphBuilder;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.GlobalPoolingLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.PoolingType;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.spark.api.RDDTrainingApproach;
import org.deeplearning4j.spark.impl.graph.SparkComputationGraph;
import org.deeplearning4j.spark.impl.paramavg.ParameterAveragingTrainingMaster;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Sgd;
import org.nd4j.linalg.lossfunctions.LossFunctions;
import scala.reflect.ClassTag$;

/**
 * Every registered module (default options, 16 channels) trains on Spark {@code local[2]} under Kryo with parameter
 * averaging (a {@link ConvReplacement} as a 16 → 32 channel conv with stride 2), and its configuration survives the
 * serializers Spark uses to ship it to workers.
 */
class AttentionSparkIT {

    private static final int CHANNELS = 16;
    private static final int CLASSES = 4;
    private static JavaSparkContext spark;

    @BeforeAll
    static void startSpark() {
        spark = new JavaSparkContext(sparkConf().setMaster("local[2]").setAppName("AttentionSparkIT")
                .set("spark.ui.enabled", "false").set("spark.driver.host", "127.0.0.1"));
    }

    @AfterAll
    static void stopSpark() {
        spark.stop();
    }

    static Stream<String> modules() {
        return AttentionRegistry.names().stream();
    }

    @ParameterizedTest
    @MethodSource("modules")
    void configurationSurvivesJavaAndKryoSerialization(String name) throws IOException, ClassNotFoundException {
        ComputationGraphConfiguration conf = network(name);

        var bytes = new ByteArrayOutputStream();
        try (var out = new ObjectOutputStream(bytes)) {
            out.writeObject(conf);
        }
        try (var in = new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
            assertEquals(conf, in.readObject());
        }
        SerializerInstance kryo = new KryoSerializer(sparkConf()).newInstance();
        var tag = ClassTag$.MODULE$.<ComputationGraphConfiguration>apply(ComputationGraphConfiguration.class);
        assertEquals(conf, kryo.deserialize(kryo.serialize(conf, tag), tag));
    }

    @ParameterizedTest
    @MethodSource("modules")
    void trainsWithParameterAveraging(String name) {
        var master = new ParameterAveragingTrainingMaster.Builder(2, 4).batchSizePerWorker(4).averagingFrequency(1)
                .workerPrefetchNumBatches(0).rddTrainingApproach(RDDTrainingApproach.Direct).rngSeed(1).build();
        var sparkNet = new SparkComputationGraph(spark, network(name), master);
        var before = sparkNet.getNetwork().params().dup();

        ComputationGraph trained = sparkNet.fit(spark.parallelize(randomMinibatches(4, 4), 2));

        assertNotEquals(before, trained.params(), name + ": parameters did not change");
        assertTrue(Double.isFinite(sparkNet.getScore()), name + ": score " + sparkNet.getScore());
    }

    private static SparkConf sparkConf() {
        return new SparkConf().set("spark.serializer", "org.apache.spark.serializer.KryoSerializer")
                .set("spark.kryo.registrator", "org.nd4j.kryo.Nd4jRegistrator");
    }

    /** conv 3×3 → module → global average pool → softmax classifier, on 6×6 RGB inputs */
    private static ComputationGraphConfiguration network(String name) {
        GraphBuilder graph = new NeuralNetConfiguration.Builder().seed(3).updater(new Sgd(0.1))
                .convolutionMode(ConvolutionMode.Same).graphBuilder().addInputs("input")
                .setInputTypes(InputType.convolutional(6, 6, 3))
                .addLayer("conv", new ConvolutionLayer.Builder(3, 3).nOut(CHANNELS).activation(Activation.RELU).build(), "input");
        AttentionModule module = AttentionRegistry.create(name, Map.of());
        // a conv replacement also changes channels and strides, as it does in a backbone
        String out = module instanceof ConvReplacement conv
                ? conv.attach(graph, "att", "conv", CHANNELS, 2 * CHANNELS, 2)
                : module.attach(graph, "att", "conv", CHANNELS);
        return graph.addLayer("pool", new GlobalPoolingLayer.Builder(PoolingType.AVG).build(), out)
                .addLayer("output", new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nOut(CLASSES)
                        .activation(Activation.SOFTMAX).build(), "pool")
                .setOutputs("output").build();
    }

    private static List<DataSet> randomMinibatches(int count, int size) {
        Nd4j.getRandom().setSeed(11);
        var minibatches = new ArrayList<DataSet>();
        for (int i = 0; i < count; i++) {
            var labels = Nd4j.zeros(DataType.FLOAT, size, CLASSES);
            for (int row = 0; row < size; row++) {
                labels.putScalar(row, (row + i) % CLASSES, 1f);
            }
            minibatches.add(new DataSet(Nd4j.randn(DataType.FLOAT, size, 3, 6, 6), labels));
        }
        return minibatches;
    }
}
