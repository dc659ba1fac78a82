package io.attnspark.model.attention;

import static io.attnspark.model.attention.AttentionTestSupport.PREFIX;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

import io.attnspark.model.attention.AttentionTestSupport.Fixture;
import io.attnspark.model.layer.RadixSelectVertex;
import io.attnspark.model.layer.RadixSumVertex;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

class SplitAttentionTest extends ConvReplacementContract {

    @Override
    String registryName() {
        return "splat";
    }

    /** The seed's defaults: radix 2, cardinality 1, reduction 4. */
    @Override
    Map<String, Object> fixtureOptions() {
        return Map.of();
    }

    @Override
    List<String> fixtures() {
        return List.of("splat_2x24x3x5", "splat_3x32x2x3");
    }

    @Override
    List<ConvFixture> convFixtures() {
        return List.of(new ConvFixture("splat_o24_s2_2x16x5x7", 2));
    }

    /** Three splits in two cardinal groups: the rSoftMax's reordering and its softmax Jacobian. */
    @Override
    AttentionModule gradientCheckModule() {
        return new SplitAttention(3, 2, 3, 0);
    }

    /** A batch of 3: BN over the pooled [N, W, 1, 1] fc1 output of only 2 examples is ±1 whatever fc1 does. */
    @Override
    long[] gradientCheckShape() {
        return new long[] {3, 6, 3, 3};
    }

    /** Radix 1 (the sigmoid gate) in two cardinal groups, 2 → 4 channels with stride 2. */
    @Override
    ConvReplacement convGradientCheckModule() {
        return new SplitAttention(1, 2, 2, 0);
    }

    @Override
    long[] convGradientCheckShape() {
        return new long[] {3, 2, 4, 3};
    }

    /**
     * BatchNormalization's running statistics are not trained by backprop (the strided check does not skip them by
     * itself), and fc1's bias is followed by a batch norm in training mode, which cancels it: its gradient is 0.
     */
    @Override
    Set<String> gradientCheckExcludedParams() {
        return Set.of(PREFIX + "_bn0_mean", PREFIX + "_bn0_var", PREFIX + "_bn1_mean", PREFIX + "_bn1_var",
                PREFIX + "_fc1_b");
    }

    /** Fixtures made with other options: name, options, output channels, stride. */
    static Stream<Arguments> otherOptions() {
        return Stream.of(
                Arguments.of("splat_k2_2x24x3x5", Map.of("cardinality", 2), 24, 1),
                Arguments.of("splat_k2_o24_s2_2x16x5x7", Map.of("cardinality", 2), 24, 2),
                Arguments.of("splat_r1_2x24x3x5", Map.of("radix", 1, "cardinality", 2), 24, 1),
                Arguments.of("splat_r3_2x24x3x5", Map.of("radix", 3), 24, 1),
                Arguments.of("splat_min32_2x24x3x5", Map.of("minWidth", 32), 24, 1));
    }

    @ParameterizedTest
    @MethodSource("otherOptions")
    void forwardWithOtherOptionsMatchesPyTorch(String name, Map<String, Object> options, int out, int stride) {
        Fixture fixture = AttentionTestSupport.fixture(name);
        var module = (ConvReplacement) AttentionRegistry.create("splat", options);
        int in = (int) fixture.input().size(1);
        ComputationGraph net = convGraph(module, fixture.input().shape(), out, stride, DataType.FLOAT, false);
        TorchStateDict.load(net, module.torchParams(PREFIX, in, out, stride), fixture.stateDict());

        INDArray actual = net.outputSingle(fixture.input());

        assertArrayEquals(fixture.output().shape(), actual.shape());
        double error = AttentionTestSupport.maxAbsDiff(fixture.output(), actual);
        assertTrue(error <= MAX_ABS_ERROR, name + ": max abs error " + error + " > " + MAX_ABS_ERROR);
    }

    @Test
    void optionsComeFromTheRegistryWithDefaults() {
        assertEquals(new SplitAttention(2, 1, 4, 0), AttentionRegistry.create("splat", Map.of()));
        assertEquals(new SplitAttention(4, 2, 8, 32), AttentionRegistry.create("splat",
                Map.of("radix", "4", "cardinality", 2, "reduction", 8, "minWidth", 32)));
    }

    @Test
    void invalidOptionsAreRejected() {
        assertThrows(IllegalArgumentException.class, () -> new SplitAttention(0, 1, 4, 0));
        assertThrows(IllegalArgumentException.class, () -> new SplitAttention(2, 0, 4, 0));
        assertThrows(IllegalArgumentException.class, () -> new SplitAttention(2, 1, 0, 0));
        assertThrows(IllegalArgumentException.class, () -> new SplitAttention(2, 1, 4, -1));
        var error = assertThrows(IllegalArgumentException.class, () -> AttentionRegistry.create("splat", Map.of("groups", 2)));
        assertEquals("splat: unknown option(s) [groups]; valid options: cardinality, minWidth, radix, reduction",
                error.getMessage());
    }

    @Test
    void channelCountsThatTheGroupsDoNotDivideAreRejectedWhenAttached() {
        var graph = new NeuralNetConfiguration.Builder().graphBuilder().addInputs("in");

        var input = assertThrows(IllegalArgumentException.class,
                () -> new SplitAttention(2, 2, 4, 0).attach(graph, "splat", "in", 6, 8, 1));
        var output = assertThrows(IllegalArgumentException.class,
                () -> new SplitAttention(2, 4, 4, 0).attach(graph, "splat", "in", 8, 6, 1));
        var width = assertThrows(IllegalArgumentException.class,
                () -> new SplitAttention(2, 4, 8, 0).attach(graph, "splat", "in", 8, 8, 1));

        assertTrue(input.getMessage().startsWith("splat: the conv's 4 groups (radix 2 x cardinality 2) must divide the 6"
                + " input channels"), input.getMessage());
        assertTrue(output.getMessage().startsWith("splat: the cardinality 4 must divide the 6 output channels"),
                output.getMessage());
        assertTrue(width.getMessage().startsWith("splat: the fc width 2 (radix 2 x 8 channels / reduction 8, at least"
                + " minWidth 0) must be a multiple of the cardinality 4"), width.getMessage());
    }

    @Test
    void tooFewChannelsForTheReductionSaysHowToFixIt() {
        var graph = new NeuralNetConfiguration.Builder().graphBuilder().addInputs("in");

        var error = assertThrows(IllegalArgumentException.class,
                () -> new SplitAttention(2, 1, 16, 0).attach(graph, "splat", "in", 4, 4, 1));

        assertTrue(error.getMessage().startsWith("splat: 4 channels with radix 2 and reduction 16 leave 0 fc channels"),
                error.getMessage());
        assertEquals(32, new SplitAttention(2, 1, 16, 32).fcWidth(4));
    }

    /** Radix 1: no radix sum, and the gate is a sigmoid, as the seed and timm do. */
    @Test
    void radixOneBuildsWithoutTheSum() {
        var graph = new NeuralNetConfiguration.Builder().graphBuilder().addInputs("in");

        new SplitAttention(1, 1, 4, 0).attach(graph, "splat", "in", 8, 8, 1);

        assertTrue(graph.getVertices().containsKey("splat_attend"));
        assertFalse(graph.getVertices().containsKey("splat_sum"));
    }

    @Test
    void vertexTypesCheckTheirInputs() {
        var branches = InputType.convolutional(3, 5, 48);

        assertEquals(InputType.convolutional(3, 5, 24),
                new RadixSelectVertex(2, 2).getOutputType(0, InputType.convolutional(1, 1, 48), branches));
        assertEquals(InputType.convolutional(1, 1, 16), new RadixSumVertex(3).getOutputType(0, InputType.convolutional(1, 1, 48)));
        assertThrows(org.deeplearning4j.nn.conf.inputs.InvalidInputTypeException.class,
                () -> new RadixSelectVertex(2, 1).getOutputType(0, InputType.convolutional(1, 1, 24), branches));
        assertThrows(org.deeplearning4j.nn.conf.inputs.InvalidInputTypeException.class,
                () -> new RadixSumVertex(5).getOutputType(0, branches));
    }
}
