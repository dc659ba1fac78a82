package io.attnspark.train;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.attnspark.model.ModelSpec;
import io.attnspark.model.Models;
import io.attnspark.model.attention.TorchStateDict;
import java.nio.file.Path;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/** {@code model.initFrom}: a PyTorch state dict read through the Hadoop file system gives PyTorch's logits. */
class TrainerInitFromTest {

    private static final ModelSpec RESNET18_W16 = new ModelSpec("resnet18", 0.0625, 10, 64, false, ModelSpec.NONE, Map.of());

    private static Path fixture(String name) throws Exception {
        return Path.of(TrainerInitFromTest.class.getResource("/fixtures/backbone/" + name).toURI());
    }

    @Test
    void aStateDictAtAFileUriGivesPyTorchsLogits() throws Exception {
        ComputationGraph network = Models.build(RESNET18_W16.resolve(), new NeuralNetConfiguration.Builder());

        InitialWeights.load(network, RESNET18_W16.resolve(), fixture("resnet18_w16_state.npz").toUri().toString(), new Configuration());

        Map<String, INDArray> io = TorchStateDict.readNpz(fixture("resnet18_w16_io.npz"));
        String logitsVertex = network.getConfiguration().getVertexInputs().get(ModelSpec.OUTPUT).get(0);
        INDArray logits = network.feedForward(io.get("input"), false).get(logitsVertex);
        double error = io.get("logits").castTo(DataType.DOUBLE).sub(logits.castTo(DataType.DOUBLE)).amaxNumber().doubleValue();
        assertTrue(error <= 1e-3, "max abs error " + error);
    }

    @Test
    void aStateDictOfAnotherNetworkIsRefusedWithItsKeys() throws Exception {
        ComputationGraph network = Models.build(RESNET18_W16.resolve(), new NeuralNetConfiguration.Builder());

        var error = assertThrows(IllegalArgumentException.class, () -> InitialWeights.load(network, RESNET18_W16.resolve(),
                fixture("seresnet18_w16_state.npz").toString(), new Configuration()));

        assertTrue(error.getMessage().contains("unexpected in the state dict: layer1.0.se.excitation.0.weight"), error.getMessage());
    }
}
