package io.attnspark.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.attnspark.datasets.spark.KryoRegistrator;
import io.attnspark.model.ModelSpec;
import io.attnspark.model.attention.TorchStateDict;
import io.attnspark.train.config.ConfigLoader;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.spark.SparkConf;
import org.apache.spark.serializer.KryoSerializer;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.graph.LayerVertex;
import org.deeplearning4j.nn.conf.layers.BaseLayer;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.IUpdater;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.linalg.learning.config.Nesterovs;
import scala.reflect.ClassTag$;

/**
 * {@link TorchNesterov} takes torch.optim.SGD(nesterov=True)'s steps through learning-rate changes (fixture from
 * src/test/python/make_trajectory_fixtures.py), where DL4J's Nesterovs does not, and survives JSON, Java and Kryo.
 */
class TorchNesterovTest {

    private static Map<String, INDArray> fixture() throws Exception {
        return TorchStateDict.readNpz(Path.of(TorchNesterovTest.class.getResource("/fixtures/trajectory/updater.npz").toURI()));
    }

    /** Runs the fixture's gradients and rates through {@code updater} and returns the parameters after each step. */
    private static INDArray steps(IUpdater updater, Map<String, INDArray> fixture) {
        INDArray grads = fixture.get("grads").castTo(DataType.DOUBLE);
        INDArray rates = fixture.get("lr");
        INDArray param = fixture.get("initial").castTo(DataType.DOUBLE).reshape(1, -1);
        var gradientUpdater = updater.instantiate(Nd4j.zeros(DataType.DOUBLE, 1, updater.stateSize(param.length())), true);
        INDArray after = Nd4j.zeros(DataType.DOUBLE, grads.rows(), grads.columns());
        for (int step = 0; step < grads.rows(); step++) {
            // the trainer's way: NetworkUtils.setLearningRate replaces the rate in the updater configuration
            updater.setLrAndSchedule(rates.getDouble(step), null);
            INDArray gradient = grads.getRow(step).dup().reshape(1, -1);
            gradientUpdater.applyUpdater(gradient, step, 0);
            param.subi(gradient);
            after.putRow(step, param.reshape(-1));
        }
        return after;
    }

    @Test
    void stepsEqualTorchsThroughLearningRateChanges() throws Exception {
        var fixture = fixture();
        INDArray expected = fixture.get("params").castTo(DataType.DOUBLE);

        double error = steps(new TorchNesterov(0.1, 0.9), fixture).sub(expected).amaxNumber().doubleValue();

        assertTrue(error < 1e-6, "max abs error " + error);
    }

    @Test
    void dl4jsNesterovsAgreesOnlyUntilTheRateChanges() throws Exception {
        var fixture = fixture();
        INDArray expected = fixture.get("params").castTo(DataType.DOUBLE);

        INDArray dl4j = steps(new Nesterovs(0.1, 0.9), fixture);

        // steps 1-3 at a constant rate: the same; from step 4 (rate 0.1 -> 0.4) DL4J's velocity carries the old rate
        double before = dl4j.get(NDArrayIndex.interval(0, 3)).sub(
                expected.get(NDArrayIndex.interval(0, 3))).amaxNumber().doubleValue();
        double after = dl4j.getRow(3).sub(expected.getRow(3)).amaxNumber().doubleValue();
        assertTrue(before < 1e-6, "constant rate: " + before);
        assertTrue(after > 1e-2, "after the rate change: " + after);
    }

    private static ComputationGraphConfiguration trainerConfiguration() {
        var recipe = ConfigLoader.load(null, List.of("data.path=x")).recipe();
        return Trainer.configure(new ModelSpec("resnet18", 0.0625, 10, 32, true, "se", Map.of("reduction", 4)).resolve(), recipe, 64);
    }

    @Test
    void configurationSurvivesJsonJavaAndKryo() throws Exception {
        var conf = trainerConfiguration();
        var layer = (BaseLayer) ((LayerVertex) conf.getVertices().get("conv1")).getLayerConf().getLayer();
        assertEquals(new TorchNesterov(0.1 * 64 / 256, 0.9), layer.getIUpdater());

        var fromJson = ComputationGraphConfiguration.fromJson(conf.toJson());
        assertEquals(conf, fromJson);
        var restored = (BaseLayer) ((LayerVertex) fromJson.getVertices().get("conv1")).getLayerConf().getLayer();
        assertInstanceOf(TorchNesterov.class, restored.getIUpdater());

        var bytes = new ByteArrayOutputStream();
        try (var out = new ObjectOutputStream(bytes)) {
            out.writeObject(conf);
        }
        try (var in = new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
            assertEquals(conf, in.readObject());
        }
        var kryo = new KryoSerializer(new SparkConf().set("spark.kryo.registrator", KryoRegistrator.class.getName())).newInstance();
        var tag = ClassTag$.MODULE$.<ComputationGraphConfiguration>apply(ComputationGraphConfiguration.class);
        assertEquals(conf, kryo.deserialize(kryo.serialize(conf, tag), tag));
    }

    @Test
    void cloneIsEqualAndIndependent() {
        var updater = new TorchNesterov(0.1, 0.9);
        var copy = updater.clone();
        assertEquals(updater, copy);
        copy.setLrAndSchedule(0.2, null);
        assertEquals(0.1, updater.getLearningRate(0, 0));
        assertEquals(0.2, copy.getLearningRate(0, 0));
    }
}
