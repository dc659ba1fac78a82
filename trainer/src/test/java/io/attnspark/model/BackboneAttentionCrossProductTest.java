package io.attnspark.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.attnspark.model.attention.AttentionRegistry;
import io.attnspark.model.attention.ConvReplacement;
import io.attnspark.model.backbone.Backbones;
import java.util.Map;
import java.util.stream.Stream;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Every backbone with every registered module at the module's default placement and default options, at 32 px and
 * a quarter of the width (half for MobileNetV2, whose first block would leave SE's default r = 16 no channel): the network builds and a forward pass gives finite class scores. The one incompatible pairing, a conv
 * replacement in MobileNetV2 (whose 3x3 convs are depthwise), must be refused with a clear error.
 */
class BackboneAttentionCrossProductTest {

    private static final int CLASSES = 10;
    private static final int SIZE = 32;

    static Stream<Arguments> pairs() {
        return Backbones.names().stream().flatMap(backbone -> Stream.concat(Stream.of(ModelSpec.NONE),
                AttentionRegistry.names().stream()).map(attention -> Arguments.of(backbone, attention)));
    }

    private static boolean compatible(String backbone, String attention) {
        return !(backbone.equals("mobilenet_v2") && !attention.equals(ModelSpec.NONE)
                && AttentionRegistry.create(attention, Map.of()) instanceof ConvReplacement);
    }

    @ParameterizedTest(name = "{0} + {1}")
    @MethodSource("pairs")
    void buildsAndRunsAForwardPass(String backbone, String attention) {
        double width = backbone.equals("mobilenet_v2") ? 0.5 : 0.25;
        if (!compatible(backbone, attention)) {
            var error = assertThrows(IllegalArgumentException.class,
                    () -> new ModelSpec(backbone, width, CLASSES, SIZE, false, attention, Map.of()).resolve());
            assertTrue(error.getMessage().contains("has no dense 3x3 conv for " + attention), error.getMessage());
            return;
        }
        var spec = new ModelSpec(backbone, width, CLASSES, SIZE, false, attention, Map.of());
        ComputationGraph network = Models.build(spec.resolve(), new NeuralNetConfiguration.Builder().seed(1));

        INDArray scores = network.outputSingle(Nd4j.rand(DataType.FLOAT, 2, 3, SIZE, SIZE));

        assertArrayEquals(new long[] {2, CLASSES}, scores.shape());
        assertTrue(Double.isFinite(scores.sumNumber().doubleValue()), spec + " gave non-finite scores: " + scores);
    }
}
