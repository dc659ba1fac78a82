package io.attnspark.model.attention;

import static io.attnspark.model.attention.AttentionTestSupport.PREFIX;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import io.attnspark.model.attention.AttentionTestSupport.Fixture;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

class TorchStateDictTest {

    private final Fixture fixture = AttentionTestSupport.fixture("se_2x24x3x5");
    private final SqueezeExcite se = new SqueezeExcite(4, 0);
    private final ComputationGraph net = AttentionTestSupport.moduleGraph(se, fixture.input().shape(), DataType.FLOAT);
    private final List<TorchParam> mapping = se.torchParams(PREFIX, 24);

    @Test
    void listsMissingUnexpectedAndMisShapedKeysAndCopiesNothing() {
        Map<String, INDArray> stateDict = new HashMap<>(fixture.stateDict());
        stateDict.remove("excitation.0.bias");
        stateDict.put("excitation.1.weight", Nd4j.ones(DataType.FLOAT, 6));
        stateDict.put("excitation.2.weight", Nd4j.ones(DataType.FLOAT, 24, 5, 1, 1));
        INDArray before = net.params().dup();

        var error = assertThrows(IllegalArgumentException.class, () -> TorchStateDict.load(net, mapping, stateDict));

        String message = error.getMessage();
        assertTrue(message.contains("missing in the state dict: excitation.0.bias"), message);
        assertTrue(message.contains("unexpected in the state dict: excitation.1.weight"), message);
        assertTrue(message.contains("shape of excitation.2.weight [24, 5, 1, 1] does not fit att_expand_W [6, 24]"), message);
        assertEquals(before, net.params());
    }

    @Test
    void graphParametersWithoutATorchKeyAreReported() {
        var error = assertThrows(IllegalArgumentException.class,
                () -> TorchStateDict.load(net, mapping.subList(0, 3), Map.of("excitation.0.weight", fixture.stateDict().get("excitation.0.weight"),
                        "excitation.0.bias", fixture.stateDict().get("excitation.0.bias"),
                        "excitation.2.weight", fixture.stateDict().get("excitation.2.weight"))));

        assertTrue(error.getMessage().contains("graph parameter without a torch key: att_expand_b"), error.getMessage());
    }

    @Test
    void torchPrefixPlacesTheModuleInsideALargerNetwork() {
        Map<String, INDArray> stateDict = new HashMap<>();
        fixture.stateDict().forEach((key, value) -> stateDict.put("layer1.0.se." + key, value));

        TorchStateDict.load(net, mapping.stream().map(p -> p.withTorchPrefix("layer1.0.se.")).toList(), stateDict);

        assertTrue(AttentionTestSupport.maxAbsDiff(fixture.output(), net.outputSingle(fixture.input())) <= 1e-4);
    }
}
