package io.attnspark.model.attention;

import static io.attnspark.model.attention.AttentionTestSupport.PREFIX;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.attnspark.model.attention.AttentionTestSupport.Fixture;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.buffer.DataType;

/** Forward equality with a PyTorch fixture for module configurations beyond the contract's {@code fixtureOptions}. */
final class PyTorchFixtures {

    private PyTorchFixtures() { }

    /** Loads the fixture's state dict into {@code module}'s graph (inference mode) and compares outputs. */
    static void assertForwardMatches(AttentionModule module, String fixtureName) {
        Fixture fixture = AttentionTestSupport.fixture(fixtureName);
        ComputationGraph net = AttentionTestSupport.moduleGraph(module, fixture.input().shape(), DataType.FLOAT);
        TorchStateDict.load(net, module.torchParams(PREFIX, (int) fixture.input().size(1)), fixture.stateDict());

        double error = AttentionTestSupport.maxAbsDiff(fixture.output(), net.outputSingle(fixture.input()));

        assertTrue(error <= AttentionModuleContract.MAX_ABS_ERROR,
                fixtureName + ": max abs error " + error + " > " + AttentionModuleContract.MAX_ABS_ERROR);
    }
}
