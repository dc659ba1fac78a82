package io.attnspark.model.attention;

import static io.attnspark.model.attention.AttentionTestSupport.PREFIX;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;

import io.attnspark.model.attention.AttentionTestSupport.Fixture;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

class DynamicConvolutionTest extends ConvReplacementContract {

    /** The fixtures' temperature: far from the default 30, so that the softmax is far from uniform. */
    private static final double FIXTURE_TEMPERATURE = 0.5;

    @Override
    String registryName() {
        return "dynconv";
    }

    @Override
    Map<String, Object> fixtureOptions() {
        return Map.of("experts", 3, "reduction", 2, "temperature", FIXTURE_TEMPERATURE);
    }

    @Override
    List<String> fixtures() {
        return List.of("dynconv_2x6x7x9", "dynconv_3x8x5x4");
    }

    @Override
    List<ConvFixture> convFixtures() {
        return List.of(new ConvFixture("dynconv_o10_s2_2x6x5x7", 2));
    }

    /** T = 2: the routing's gradients are large enough to check; r = 1 keeps every hidden unit of the tiny input. */
    @Override
    AttentionModule gradientCheckModule() {
        return new DynamicConvolution(3, 1, true, 2.0, 2.0, 0);
    }

    @Override
    long[] gradientCheckShape() {
        return new long[] {2, 3, 3, 3};
    }

    @Override
    long[] convGradientCheckShape() {
        return new long[] {2, 2, 4, 3};
    }

    /**
     * Built with the default temperature 30, the network matches PyTorch at T = 0.5 once that is set; the new
     * temperature is in the JSON configuration (what Spark's workers and checkpoints get), and another one changes the output.
     */
    @Test
    void setTemperatureReachesTheLayersAndTheConfiguration() {
        Fixture fixture = AttentionTestSupport.fixture(fixtures().get(0));
        var module = new DynamicConvolution(3, 2, true, 30, 1, 10);
        ComputationGraph net = AttentionTestSupport.moduleGraph(module, fixture.input().shape(), DataType.FLOAT);
        TorchStateDict.load(net, module.torchParams(PREFIX, (int) fixture.input().size(1)), fixture.stateDict());
        INDArray atThirty = net.outputSingle(fixture.input());

        assertEquals(1, DynamicConvolution.setTemperature(net, FIXTURE_TEMPERATURE));

        assertTrue(AttentionTestSupport.maxAbsDiff(fixture.output(), net.outputSingle(fixture.input())) <= MAX_ABS_ERROR);
        assertTrue(AttentionTestSupport.maxAbsDiff(fixture.output(), atThirty) > 0.1, "T = 30 should route differently");
        var restored = new ComputationGraph(ComputationGraphConfiguration.fromJson(net.getConfiguration().toJson()));
        restored.init(net.params().dup(), false);
        assertEquals(net.outputSingle(fixture.input()), restored.outputSingle(fixture.input()));
    }

    @Test
    void condConvLayersKeepTheirTemperature() {
        Fixture fixture = AttentionTestSupport.fixture("condconv_2x6x7x9");
        ComputationGraph net = AttentionTestSupport.moduleGraph(new CondConvolution(3, true), fixture.input().shape(), DataType.FLOAT);

        assertEquals(0, DynamicConvolution.setTemperature(net, 5.0));
    }

    @Test
    void optionsComeFromTheRegistryWithDefaults() {
        var defaults = (DynamicConvolution) AttentionRegistry.create("dynconv", Map.of());
        assertEquals(new DynamicConvolution(8, 4, true, 30, 1, 10), defaults);
        assertEquals(new TemperatureSchedule(30, 1, 10), defaults.temperatureSchedule());
        assertFalse(defaults.normalizesAndActivates());
        assertEquals(new DynamicConvolution(4, 8, false, 20, 2, 5), AttentionRegistry.create("dynconv", Map.of("experts", 4,
                "reduction", "8", "bias", false, "temperature", "20", "temperatureEnd", 2, "annealEpochs", 5)));
    }

    @Test
    void invalidOptionsAreRejected() {
        assertEquals("dynconv: 'experts' must be at least 1, got 0",
                assertThrows(IllegalArgumentException.class, () -> new DynamicConvolution(0, 4, true, 30, 1, 10)).getMessage());
        assertEquals("dynconv: 'reduction' must be at least 1, got 0",
                assertThrows(IllegalArgumentException.class, () -> new DynamicConvolution(8, 0, true, 30, 1, 10)).getMessage());
        var temperature = assertThrows(IllegalArgumentException.class, () -> new DynamicConvolution(8, 4, true, 0, 1, 10));
        assertTrue(temperature.getMessage().startsWith("dynconv: options temperature (0.0), temperatureEnd (1.0) and"
                + " annealEpochs (10): temperature schedule: the start temperature must be a positive number"), temperature.getMessage());
        var end = assertThrows(IllegalArgumentException.class, () -> new DynamicConvolution(8, 4, true, 30, -1, 10));
        assertTrue(end.getMessage().contains("the end temperature must be a positive number"), end.getMessage());
        var anneal = assertThrows(IllegalArgumentException.class, () -> new DynamicConvolution(8, 4, true, 30, 1, 0));
        assertTrue(anneal.getMessage().contains("needs annealEpochs of at least 1"), anneal.getMessage());
        var word = assertThrows(IllegalArgumentException.class, () -> AttentionRegistry.create("dynconv", Map.of("temperature", "hot")));
        assertEquals("dynconv: option 'temperature' must be a number, got 'hot'", word.getMessage());
    }

    @Test
    void tooFewChannelsForTheReductionSaysHowToFixIt() {
        var graph = new NeuralNetConfiguration.Builder().graphBuilder().addInputs("in");

        var error = assertThrows(IllegalArgumentException.class,
                () -> new DynamicConvolution(8, 16, true, 30, 1, 10).attach(graph, "dy", "in", 8, 16, 2));

        assertEquals("dynconv: 8 input channels with reduction 16 leave 0 routing units; lower 'reduction' to at most 8",
                error.getMessage());
    }
}
