package io.attnspark.model.attention;

import static io.attnspark.model.attention.AttentionTestSupport.PREFIX;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import io.attnspark.model.attention.AttentionTestSupport.Fixture;
import io.attnspark.model.layer.GradientChecks;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.WorkspaceMode;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.params.BatchNormalizationParamInitializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The tests every attention module passes; a module's test class extends this and says which module and fixtures.
 * Equality with PyTorch is checked on the committed fixtures, never against numbers from our own code.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class AttentionModuleContract {

    /** float32 forward tolerance against PyTorch */
    static final double MAX_ABS_ERROR = 1e-4;

    /** The registry name and options the fixtures were made with. */
    abstract String registryName();

    abstract Map<String, Object> fixtureOptions();

    /** Fixture names under fixtures/attention/, e.g. {@code se_2x24x7x9}. */
    abstract List<String> fixtures();

    /** A small module for the double-precision gradient check at {@link #gradientCheckShape()}. */
    abstract AttentionModule gradientCheckModule();

    long[] gradientCheckShape() {
        return new long[] {2, 8, 3, 3};
    }

    /**
     * Graph parameters ({@code vertex_param}) the gradient check skips besides BatchNormalization's running statistics
     * (always skipped): those whose exact gradient is zero by construction (e.g. a bias in front of a softmax), where
     * finite-difference noise alone would fail the check.
     */
    Set<String> gradientCheckExcludedParams() {
        return Set.of();
    }

    AttentionModule fixtureModule() {
        return AttentionRegistry.create(registryName(), fixtureOptions());
    }

    @ParameterizedTest
    @MethodSource("fixtures")
    void forwardMatchesPyTorch(String fixtureName) {
        Fixture fixture = AttentionTestSupport.fixture(fixtureName);
        AttentionModule module = fixtureModule();
        ComputationGraph net = AttentionTestSupport.moduleGraph(module, fixture.input().shape(), DataType.FLOAT);
        int channels = (int) fixture.input().size(1);
        TorchStateDict.load(net, module.torchParams(PREFIX, channels), fixture.stateDict());

        double error = AttentionTestSupport.maxAbsDiff(fixture.output(), net.outputSingle(fixture.input()));

        assertTrue(error <= MAX_ABS_ERROR, fixtureName + ": max abs error " + error + " > " + MAX_ABS_ERROR);
    }

    @Test
    void gradientsMatchFiniteDifferences() {
        long[] shape = gradientCheckShape();
        ComputationGraph net = new FlattenedOrderGraph(AttentionTestSupport.gradientCheckGraph(gradientCheckModule(), shape));
        Nd4j.getRandom().setSeed(7);
        INDArray input = Nd4j.randn(DataType.DOUBLE, shape);
        INDArray labels = Nd4j.randn(DataType.DOUBLE, shape);

        GradientChecks.assertPass(() -> GradientChecks.of(net, input, labels).excludeParams(excluded(net)));
    }

    /**
     * GradientCheckUtil names the i-th entry of the flattened parameters by walking {@code paramTable()}, which lists
     * vertices in insertion order, while the flattened vector is in topological order; in a branching module the two
     * differ, so its report and {@code excludeParams} would hit the wrong entries. This copy lists its parameters in
     * flattened order.
     */
    static final class FlattenedOrderGraph extends ComputationGraph {

        FlattenedOrderGraph(ComputationGraph net) {
            super(net.getConfiguration());
            init(net.params().dup(), false);
        }

        @Override
        public Map<String, INDArray> paramTable(boolean backpropParamsOnly) {
            var entries = new ArrayList<>(super.paramTable(backpropParamsOnly).entrySet());
            entries.sort(Comparator.comparingLong(entry -> entry.getValue().offset()));
            var ordered = new LinkedHashMap<String, INDArray>();
            entries.forEach(entry -> ordered.put(entry.getKey(), entry.getValue()));
            return ordered;
        }
    }

    /** BN's running mean and variance are moving averages, not trained by gradients, so the gradient check skips them. */
    private Set<String> excluded(ComputationGraph net) {
        var excluded = new HashSet<>(batchNormStatistics(net));
        excluded.addAll(gradientCheckExcludedParams());
        return excluded;
    }

    private static Set<String> batchNormStatistics(ComputationGraph net) {
        var statistics = new HashSet<String>();
        for (Layer layer : net.getLayers()) {
            if (layer.conf().getLayer() instanceof BatchNormalization batchNorm) {
                for (String key : List.of(BatchNormalizationParamInitializer.GLOBAL_MEAN,
                        BatchNormalizationParamInitializer.GLOBAL_VAR, BatchNormalizationParamInitializer.GLOBAL_LOG_STD)) {
                    statistics.add(batchNorm.getLayerName() + "_" + key);
                }
            }
        }
        return statistics;
    }

    /** A vertex that frees or reuses an array too early under workspaces trains differently from one without. */
    @Test
    void trainingWithWorkspacesEqualsTrainingWithout() {
        long[] shape = gradientCheckShape();
        Nd4j.getRandom().setSeed(5);
        var data = new DataSet(Nd4j.randn(DataType.FLOAT, shape), Nd4j.randn(DataType.FLOAT, shape));
        ComputationGraph withWorkspaces = AttentionTestSupport.trainingGraph(gradientCheckModule(), shape, WorkspaceMode.ENABLED);
        ComputationGraph without = AttentionTestSupport.trainingGraph(gradientCheckModule(), shape, WorkspaceMode.NONE);
        assertEquals(without.params(), withWorkspaces.params());

        for (int step = 0; step < 3; step++) {
            withWorkspaces.fit(data);
            without.fit(data);
        }

        assertTrue(AttentionTestSupport.maxAbsDiff(without.params(), withWorkspaces.params()) <= 1e-6);
        assertNotEquals(AttentionTestSupport.trainingGraph(gradientCheckModule(), shape, WorkspaceMode.NONE).params(),
                without.params(), "training did not change the parameters");
        assertEquals(without.outputSingle(data.getFeatures()), withWorkspaces.outputSingle(data.getFeatures()));
    }

    @Test
    void jsonRoundTripKeepsConfigurationAndOutput() {
        Fixture fixture = AttentionTestSupport.fixture(fixtures().get(0));
        ComputationGraph net = AttentionTestSupport.moduleGraph(fixtureModule(), fixture.input().shape(), DataType.FLOAT);

        ComputationGraphConfiguration restored = ComputationGraphConfiguration.fromJson(net.getConfiguration().toJson());
        var copy = new ComputationGraph(restored);
        copy.init(net.params().dup(), false);

        assertEquals(net.getConfiguration(), restored);
        assertEquals(net.outputSingle(fixture.input()), copy.outputSingle(fixture.input()));
    }

    @Test
    void cloneGivesEqualOutput() {
        Fixture fixture = AttentionTestSupport.fixture(fixtures().get(0));
        ComputationGraph net = AttentionTestSupport.moduleGraph(fixtureModule(), fixture.input().shape(), DataType.FLOAT);

        assertEquals(net.outputSingle(fixture.input()), net.clone().outputSingle(fixture.input()));
    }

    @Test
    void registryKnowsTheModule() {
        AttentionModule module = fixtureModule();

        assertTrue(AttentionRegistry.names().contains(registryName()));
        assertEquals(registryName(), module.name());
    }
}
