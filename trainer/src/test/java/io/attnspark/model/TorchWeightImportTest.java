package io.attnspark.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.attnspark.model.attention.TorchStateDict;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * {@link Models#loadTorchWeights}: eval-mode logits equal PyTorch's for torchvision networks with random weights and
 * batch-norm statistics (fixtures from src/test/python/make_torch_weight_fixtures.py), and a bad state dict is refused
 * with every problem listed.
 */
class TorchWeightImportTest {

    private static final double MAX_ABS_ERROR = 1e-3;
    /** The options that make each module timm's (SE: bottleneck make_divisible(C / 16, 8); ECA: k >= 3), or the fixture's. */
    private static final Map<String, Map<String, Object>> TIMM_OPTIONS = Map.of(
            "se", Map.of("reduction", 16, "divisor", 8),
            "eca", Map.of("minKernelSize", 3),
            "cbam", Map.of("timm", 1),
            "sk", Map.of("reduction", 2));

    private static Map<String, INDArray> npz(String name) throws Exception {
        return TorchStateDict.readNpz(resource(name));
    }

    private static Path resource(String name) throws URISyntaxException {
        return Path.of(TorchWeightImportTest.class.getResource("/fixtures/backbone/" + name).toURI());
    }

    private static ModelSpec spec(String backbone, double width, int imageSize, String attention,
                                  Map<String, Object> options) {
        // the SK network has the small stem (see make_torch_weight_fixtures.py)
        return new ModelSpec(backbone, width, 10, imageSize, "sk".equals(attention), attention, options);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({
            "resnet18_w16, resnet18, 0.0625, 64, none",
            "seresnet18_w16, resnet18, 0.0625, 64, se",
            "mobilenet_v2_w25, mobilenet_v2, 0.25, 32, none",
            "ecaresnet18_w32, resnet18, 0.03125, 32, eca",
            "cbamresnet18_w32, resnet18, 0.03125, 32, cbam",
            "skresnet18_w32, resnet18, 0.03125, 32, sk",
    })
    void logitsEqualPyTorchs(String fixture, String backbone, double width, int imageSize, String attention) throws Exception {
        Map<String, Object> options = TIMM_OPTIONS.getOrDefault(attention, Map.of());
        ModelSpec spec = spec(backbone, width, imageSize, attention, options);
        ComputationGraph network = Models.build(spec.resolve(), new NeuralNetConfiguration.Builder());
        Map<String, INDArray> io = npz(fixture + "_io.npz");

        Map<String, INDArray> state = new LinkedHashMap<>(npz(fixture + "_state.npz"));
        // torch's BatchNorm counter, which the fixture cannot hold (ND4J reads no 0-d .npy), is ignored
        state.put(backbone.startsWith("resnet") ? "bn1.num_batches_tracked" : "features.0.1.num_batches_tracked",
                Nd4j.scalar(7L));
        Models.loadTorchWeights(network, spec.resolve(), state);
        String logitsVertex = network.getConfiguration().getVertexInputs().get(ModelSpec.OUTPUT).get(0);
        INDArray logits = network.feedForward(io.get("input"), false).get(logitsVertex);

        INDArray expected = io.get("logits");
        assertArrayEquals(expected.shape(), logits.shape());
        double error = expected.castTo(DataType.DOUBLE).sub(logits.castTo(DataType.DOUBLE)).amaxNumber().doubleValue();
        assertTrue(error <= MAX_ABS_ERROR, fixture + ": max abs error " + error + " > " + MAX_ABS_ERROR);
    }

    @Test
    void loadsFromAnNpzFile() throws Exception {
        ModelSpec spec = spec("resnet18", 0.0625, 64, ModelSpec.NONE, Map.of());
        ComputationGraph network = Models.build(spec.resolve(), new NeuralNetConfiguration.Builder());

        Models.loadTorchWeights(network, spec.resolve(), resource("resnet18_w16_state.npz"));

        assertArrayEquals(npz("resnet18_w16_state.npz").get("fc.bias").toDoubleVector(),
                network.getParam("fc_b").toDoubleVector());
    }

    @Test
    void aStateDictThatDoesNotFitIsRefusedWithEveryProblemListed() throws Exception {
        ModelSpec spec = spec("resnet18", 0.0625, 64, ModelSpec.NONE, Map.of());
        ComputationGraph network = Models.build(spec.resolve(), new NeuralNetConfiguration.Builder());
        INDArray before = network.params().dup();
        Map<String, INDArray> state = new LinkedHashMap<>(npz("resnet18_w16_state.npz"));
        state.remove("layer3.1.bn2.running_var");
        state.put("layer5.0.conv1.weight", Nd4j.zeros(4, 4, 3, 3));
        state.put("fc.weight", Nd4j.zeros(10, 7));

        var error = assertThrows(IllegalArgumentException.class, () -> Models.loadTorchWeights(network, spec.resolve(), state));

        String message = error.getMessage();
        assertTrue(message.contains("missing in the state dict: layer3.1.bn2.running_var"), message);
        assertTrue(message.contains("unexpected in the state dict: layer5.0.conv1.weight"), message);
        assertTrue(message.contains("shape of fc.weight [10, 7] does not fit fc_W [32, 10]"), message);
        assertTrue(before.equals(network.params()), "nothing may be copied when the state dict does not fit");
    }
}
