package io.attnspark.model.layer;

import static org.junit.jupiter.api.Assertions.assertNotEquals;

import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;

/** Two networks trained from the same parameters on the same batch, for tests that compare how they train. */
final class SideBySideTraining {

    private SideBySideTraining() { }

    /**
     * Gives {@code reference} the parameters of {@code candidate}, then fits both on {@code data} for {@code steps}
     * steps, and checks that training changed the candidate's parameters (so that a comparison after it means something).
     */
    static void fit(ComputationGraph candidate, ComputationGraph reference, DataSet data, int steps) {
        reference.setParams(candidate.params().dup());
        INDArray initial = candidate.params().dup();
        for (int step = 0; step < steps; step++) {
            candidate.fit(data);
            reference.fit(data);
        }
        assertNotEquals(initial, candidate.params(), "training did not change the parameters");
    }
}
