package io.attnspark.model.attention;

import static io.attnspark.model.attention.AttentionTestSupport.PREFIX;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.attnspark.model.AttentionPosition;
import io.attnspark.model.ModelSpec;
import io.attnspark.model.Models;
import io.attnspark.model.attention.AttentionMap.Kind;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** Every attention map a module names is a vertex of its graph, with the shape its kind and reading promise. */
class AttentionMapsTest {

    private static final long N = 2;
    private static final long C = 16;
    private static final long H = 8;
    private static final long W = 6;

    static Stream<Arguments> modulesWithMaps() {
        return Stream.of(
                Arguments.of("se", Map.of(), List.of(Kind.CHANNEL)),
                Arguments.of("se_var1", Map.of(), List.of(Kind.CHANNEL)),
                Arguments.of("se_var2", Map.of(), List.of(Kind.CHANNEL)),
                Arguments.of("se_var3", Map.of(), List.of(Kind.CHANNEL)),
                Arguments.of("eca", Map.of(), List.of(Kind.CHANNEL)),
                Arguments.of("cbam", Map.of(), List.of(Kind.CHANNEL, Kind.SPATIAL)),
                Arguments.of("cbam", Map.of("timm", 1), List.of(Kind.CHANNEL, Kind.SPATIAL)),
                Arguments.of("bam", Map.of("dilation", 2), List.of(Kind.SPATIAL)),
                Arguments.of("gc", Map.of(), List.of(Kind.SPATIAL)),
                Arguments.of("gc", Map.of("fusion", "mul"), List.of(Kind.SPATIAL, Kind.CHANNEL)),
                Arguments.of("gc", Map.of("pooling", "avg", "fusion", "mul"), List.of(Kind.CHANNEL)),
                Arguments.of("snl", Map.of(), List.of(Kind.SPATIAL)),
                Arguments.of("ge_minus", Map.of(), List.of(Kind.CHANNEL)),
                Arguments.of("ge_minus", Map.of("extent", 2), List.of(Kind.SPATIAL)),
                Arguments.of("ge", Map.of("extent", 2), List.of(Kind.SPATIAL)),
                Arguments.of("ge_plus", Map.of("extent", 2), List.of(Kind.SPATIAL)));
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("modulesWithMaps")
    void eachMapIsAVertexWithTheShapeOfItsKind(String name, Map<String, Object> options, List<Kind> kinds) {
        AttentionModule module = AttentionRegistry.create(name, options);
        List<AttentionMap> maps = module.attentionMaps(PREFIX);
        assertEquals(kinds, maps.stream().map(AttentionMap::kind).toList());

        var net = AttentionTestSupport.moduleGraph(module, new long[] {N, C, H, W}, DataType.FLOAT);
        Map<String, INDArray> activations = net.feedForward(Nd4j.rand(DataType.FLOAT, N, C, H, W).subi(0.5).muli(4), false);
        for (AttentionMap map : maps) {
            assertEquals(PREFIX, map.module());
            assertTrue(activations.containsKey(map.vertex()), map.vertex() + " is not a vertex of " + name);
            INDArray raw = activations.get(map.vertex());
            INDArray weights = map.weights(raw);
            if (map.kind() == Kind.CHANNEL) {
                assertEquals(N * C, raw.length(), map.vertex() + " " + java.util.Arrays.toString(raw.shape()));
                assertArrayEquals(new long[] {N, C}, weights.shape());
                assertInUnitInterval(weights, map);
            } else {
                assertEquals(4, raw.rank(), map.vertex());
                // a gather-excite gate sits on the gathered (coarser) grid; the others on the input's
                long[] grid = map.reading() == AttentionMap.Reading.CHANNEL_MEAN
                        ? new long[] {N, raw.size(2), raw.size(3)} : new long[] {N, H, W};
                assertArrayEquals(grid, weights.shape(), map.vertex());
                if (map.reading() == AttentionMap.Reading.SOFTMAX_OVER_POSITIONS) {
                    assertArrayEquals(new long[] {N, 1, H, W}, raw.shape());
                    INDArray sums = weights.reshape(N, H * W).sum(1);
                    assertEquals(1.0, sums.getDouble(0), 1e-5);
                    assertEquals(1.0, sums.getDouble(1), 1e-5);
                } else if (map.reading() == AttentionMap.Reading.GATE) {
                    assertArrayEquals(new long[] {N, 1, H, W}, raw.shape());
                }
                assertInUnitInterval(weights, map);
            }
        }
    }

    @Test
    void modulesThatApplyNoReadableWeightsListNone() {
        for (String name : List.of("nl", "mhsa")) {
            if (AttentionRegistry.names().contains(name)) {
                assertEquals(List.of(), AttentionRegistry.create(name, Map.of()).attentionMaps(PREFIX), name);
            }
        }
        assertEquals(List.of(), AttentionRegistry.create("gc", Map.of("pooling", "avg")).attentionMaps(PREFIX));
    }

    @Test
    void aNetworkListsOneModuleInstancePerAttendedBlock() {
        var spec = new ModelSpec("resnet18", 0.25, 10, 32, true, "cbam", Map.of(), AttentionPosition.STANDARD,
                new java.util.TreeSet<>(Set.of(3, 4)));
        List<AttentionMap> maps = Models.attentionMaps(spec.resolve());
        // stages 3 and 4 of resnet18 have two blocks each, CBAM has a channel and a spatial map
        assertEquals(8, maps.size());
        assertEquals(4, maps.stream().map(AttentionMap::module).distinct().count());
        assertEquals("layer3.0.attn", maps.get(0).module());
        var vertices = Models.configure(spec.resolve(), new NeuralNetConfiguration.Builder()).getVertices().keySet();
        maps.forEach(map -> assertTrue(vertices.contains(map.vertex()), map.vertex()));
        assertEquals(List.of(), Models.attentionMaps(new ModelSpec("resnet18", 0.25, 10, 32, true, ModelSpec.NONE, Map.of()).resolve()));
    }

    private static void assertInUnitInterval(INDArray weights, AttentionMap map) {
        assertTrue(weights.minNumber().doubleValue() >= 0 && weights.maxNumber().doubleValue() <= 1,
                map.vertex() + " weights outside [0, 1]: " + weights);
    }
}
