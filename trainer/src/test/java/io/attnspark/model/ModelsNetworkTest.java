package io.attnspark.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.deeplearning4j.nn.conf.CacheMode;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.WorkspaceMode;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Sgd;
import org.nd4j.linalg.ops.transforms.Transforms;

/** Tiny networks: forward passes, initialization, one training step, configuration JSON. */
class ModelsNetworkTest {

    private static NeuralNetConfiguration.Builder base() {
        return new NeuralNetConfiguration.Builder().seed(7).updater(new Sgd(0.1));
    }

    private static ModelSpec tiny(String backbone, double width, int imageSize, boolean smallStem) {
        return new ModelSpec(backbone, width, 10, imageSize, smallStem, ModelSpec.NONE, Map.of());
    }

    @ParameterizedTest(name = "{0} width {1} at {2} px, small stem {3}")
    @CsvSource({
            "resnet18, 0.125, 32, true",
            "resnet50, 0.0625, 32, true",
            "resnext50_32x4d, 0.0625, 32, true",
            "mobilenet_v2, 0.25, 32, true",
            "mobilenet_v2, 0.25, 32, false",
            "resnet18, 0.125, 64, false",
    })
    void forwardGivesOneProbabilityRowPerImage(String backbone, double width, int imageSize, boolean smallStem) {
        ComputationGraph network = Models.build(tiny(backbone, width, imageSize, smallStem).resolve(), base());

        INDArray probabilities = network.outputSingle(Nd4j.rand(2, 3, imageSize, imageSize));

        assertArrayEquals(new long[] {2, 10}, probabilities.shape());
        assertTrue(probabilities.minNumber().doubleValue() >= 0);
        for (double rowSum : probabilities.sum(1).toDoubleVector()) {
            assertEquals(1.0, rowSum, 1e-5);
        }
    }

    @Test
    void initializationFollowsTorchvision() {
        ComputationGraph network = Models.build(tiny("resnet18", 0.125, 32, true).resolve(), base());

        // layer4.1.conv2: 64 -> 64 channels, 3x3; kaiming normal, fan_out = 64 * 9
        INDArray conv = network.getParam("layer4.1.conv2_W");
        assertEquals(Math.sqrt(2.0 / (64 * 9)), conv.stdNumber().doubleValue(), 0.05 * Math.sqrt(2.0 / (64 * 9)));
        assertEquals(0.0, conv.meanNumber().doubleValue(), 0.01);
        assertEquals(1.0, network.getParam("layer4.1.bn2_gamma").minNumber().doubleValue());
        assertEquals(1.0, network.getParam("layer4.1.bn2_gamma").maxNumber().doubleValue());
        assertEquals(0.0, Transforms.abs(network.getParam("layer4.1.bn2_beta")).maxNumber().doubleValue());
        // fc: 64 inputs, U(-1/8, 1/8)
        assertTrue(Transforms.abs(network.getParam("fc_W")).maxNumber().doubleValue() <= 1.0 / 8);
        assertEquals(0.0, Transforms.abs(network.getParam("fc_b")).maxNumber().doubleValue());
    }

    @ParameterizedTest(name = "{0} width {1}")
    @CsvSource({
            "resnet18, 0.125",
            "resnext50_32x4d, 0.0625",
            "mobilenet_v2, 0.25",
    })
    void oneTrainingStepUpdatesTheParametersWithTheTrainersCacheAndWorkspaceModes(String backbone, double width) {
        var base = base().cacheMode(CacheMode.DEVICE)
                .trainingWorkspaceMode(WorkspaceMode.ENABLED)
                .inferenceWorkspaceMode(WorkspaceMode.ENABLED);
        ComputationGraph network = Models.build(tiny(backbone, width, 32, true).resolve(), base);
        INDArray before = network.params().dup();

        network.fit(new DataSet(Nd4j.rand(2, 3, 32, 32), Nd4j.eye(10).getRows(3, 5)));

        assertTrue(Double.isFinite(network.score()));
        assertNotEquals(before, network.params());
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"resnet50", "resnext50_32x4d", "mobilenet_v2"})
    void configurationJsonRoundTrips(String backbone) {
        ComputationGraphConfiguration configuration = Models.configure(tiny(backbone, 0.0625, 32, false).resolve(), base());

        assertEquals(configuration, ComputationGraphConfiguration.fromJson(configuration.toJson()));
    }
}
