package io.attnspark.model.layer;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.function.Supplier;
import org.deeplearning4j.gradientcheck.GradientCheckUtil;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** DL4J's finite-difference gradient check, in double, at the tolerances every hand-written layer and module meets. */
public final class GradientChecks {

    private GradientChecks() { }

    /** The check of {@code net} on one batch; the caller may add {@code excludeParams}. */
    public static GradientCheckUtil.GraphConfig of(ComputationGraph net, INDArray input, INDArray labels) {
        return new GradientCheckUtil.GraphConfig().net(net).inputs(new INDArray[] {input}).labels(new INDArray[] {labels});
    }

    /**
     * Runs the check that {@code check} builds, with double as ND4J's default while it builds and runs (GradientCheckUtil
     * insists on it globally, not only in the network), and fails the test when a gradient is off.
     */
    public static void assertPass(Supplier<GradientCheckUtil.GraphConfig> check) {
        DataType previousDefault = Nd4j.dataType();
        DataType previousFloat = Nd4j.defaultFloatingPointType();
        boolean passed;
        try {
            Nd4j.setDefaultDataTypes(DataType.DOUBLE, DataType.DOUBLE);
            passed = GradientCheckUtil.checkGradients(check.get().epsilon(1e-6).maxRelError(1e-5).minAbsoluteError(1e-9));
        } finally {
            Nd4j.setDefaultDataTypes(previousDefault, previousFloat);
        }
        assertTrue(passed, "gradient check failed; see the test output for the parameters");
    }
}
