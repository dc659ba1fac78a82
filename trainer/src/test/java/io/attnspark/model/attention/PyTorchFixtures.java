package io.attnspark.model.attention;

import static io.attnspark.model.attention.AttentionTestSupport.PREFIX;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.attnspark.model.attention.AttentionTestSupport.Fixture;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/** Forward equality with a PyTorch fixture for module configurations beyond the contract's {@code fixtureOptions}. */
final class PyTorchFixtures {

    private PyTorchFixtures() { }

    /** Loads the fixture's state dict into {@code module}'s graph and compares the inference-mode outputs. */
    static void assertForwardMatches(AttentionModule module, String fixtureName) {
        Fixture fixture = AttentionTestSupport.fixture(fixtureName);
        ComputationGraph net = loaded(module, fixture);

        assertWithinTolerance(fixture, net.outputSingle(fixture.input()));
    }

    /** As {@link #assertForwardMatches}, for a fixture recorded in training mode (BN uses the batch's statistics). */
    static void assertTrainingForwardMatches(AttentionModule module, String fixtureName) {
        Fixture fixture = AttentionTestSupport.fixture(fixtureName);
        ComputationGraph net = loaded(module, fixture);

        assertWithinTolerance(fixture, net.feedForward(fixture.input(), true).get(AttentionTestSupport.OUTPUT));
    }

    private static ComputationGraph loaded(AttentionModule module, Fixture fixture) {
        ComputationGraph net = AttentionTestSupport.moduleGraph(module, fixture.input().shape(), DataType.FLOAT);
        TorchStateDict.load(net, module.torchParams(PREFIX, (int) fixture.input().size(1)), fixture.stateDict());
        return net;
    }

    private static void assertWithinTolerance(Fixture fixture, INDArray actual) {
        double error = AttentionTestSupport.maxAbsDiff(fixture.output(), actual);

        assertTrue(error <= AttentionModuleContract.MAX_ABS_ERROR,
                fixture.name() + ": max abs error " + error + " > " + AttentionModuleContract.MAX_ABS_ERROR);
    }
}
