package io.attnspark.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

import io.attnspark.model.AttentionPosition;
import io.attnspark.model.ModelSpec;
import io.attnspark.model.layer.KernelMixtureConvolution;
import io.attnspark.train.config.ConfigLoader;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.graph.LayerVertex;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** What {@link Trainer} changes in the network before each epoch's fit. */
class TrainerEpochTest {

    private static ModelSpec spec(String attention, Map<String, Object> options) {
        return new ModelSpec("resnet18", 0.125, 10, 32, true, attention, options, AttentionPosition.CONV,
                new TreeSet<>(Set.of(1)));
    }

    private static ComputationGraph network(ModelSpec spec) {
        var recipe = ConfigLoader.load(null, List.of("data.path=x")).recipe();
        var net = new ComputationGraph(Trainer.configure(spec.resolve(), recipe, 64));
        net.init();
        return net;
    }

    /** The temperature of every kernel-mixture layer, by layer name. */
    private static Map<String, Double> temperatures(ComputationGraphConfiguration conf) {
        var temperatures = new TreeMap<String, Double>();
        conf.getVertices().forEach((name, vertex) -> {
            if (vertex instanceof LayerVertex layer && layer.getLayerConf().getLayer() instanceof KernelMixtureConvolution conv) {
                temperatures.put(name, conv.getTemperature());
            }
        });
        return temperatures;
    }

    @Test
    void eachEpochSetsTheDynconvTemperatureOfItsSchedule() {
        ModelSpec spec = spec("dynconv", Map.of("experts", 2, "temperature", 30, "temperatureEnd", 1, "annealEpochs", 10));
        ComputationGraph net = network(spec);
        Nd4j.getRandom().setSeed(3);
        INDArray input = Nd4j.randn(DataType.FLOAT, 2, 3, 32, 32);
        String firstLayer = "layer1.0.conv1_conv";

        Trainer.startEpoch(net, spec.resolve(), 0);
        assertEquals(Map.of(firstLayer, 30.0, "layer1.1.conv1_conv", 30.0), temperatures(net.getConfiguration()));
        INDArray atEpoch0 = net.feedForward(input, false).get(firstLayer).dup();

        Trainer.startEpoch(net, spec.resolve(), 5);
        assertEquals(Map.of(firstLayer, 15.5, "layer1.1.conv1_conv", 15.5), temperatures(net.getConfiguration()));
        INDArray atEpoch5 = net.feedForward(input, false).get(firstLayer);
        double change = atEpoch0.sub(atEpoch5).amaxNumber().doubleValue();
        assertTrue(change > 1e-5, "the temperature did not change the layer's output: " + change);

        // the configuration that Spark ships to the workers and checkpoints save carries it
        var shipped = ComputationGraphConfiguration.fromJson(net.getConfiguration().toJson());
        assertEquals(Map.of(firstLayer, 15.5, "layer1.1.conv1_conv", 15.5), temperatures(shipped));

        Trainer.startEpoch(net, spec.resolve(), 12);
        assertEquals(Map.of(firstLayer, 1.0, "layer1.1.conv1_conv", 1.0), temperatures(net.getConfiguration()));
    }

    @Test
    void condconvKeepsItsSigmoidRouting() {
        ModelSpec spec = spec("condconv", Map.of("experts", 2));
        ComputationGraph net = network(spec);

        Trainer.startEpoch(net, spec.resolve(), 5);

        assertEquals(Map.of("layer1.0.conv1_conv", 1.0, "layer1.1.conv1_conv", 1.0), temperatures(net.getConfiguration()));
    }
}
