package io.attnspark.model.layer;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.scalar.RectifiedLinear;
import org.nd4j.linalg.api.ops.impl.scalar.Step;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The ReLU that this package fuses into its layers and vertices: one oneDNN pass each ({@link OneDnnElementwise}) where
 * oneDNN takes the arrays, else ND4J's. ND4J's gradient is a step mask and a multiply, as torch's
 * {@code threshold_backward}: libnd4j's {@code relu_bp}, which DL4J's activation layers use, runs several times slower.
 */
final class Relu {

    private Relu() { }

    /** {@code out = max(x, 0)}; {@code out} may be {@code x}. */
    static void forward(INDArray x, INDArray out) {
        if (OneDnn.takes(x, out)) {
            OneDnnElementwise.relu(x, out);
            return;
        }
        Nd4j.getExecutioner().exec(new RectifiedLinear(x, out, 0.0));
    }

    /**
     * {@code target = epsilon * (activation > 0)}, where {@code activation} is the ReLU's input or output (both are
     * positive at the same places).
     */
    static void backward(INDArray activation, INDArray epsilon, INDArray target) {
        if (OneDnn.takes(activation, epsilon, target)) {
            OneDnnElementwise.reluGradient(activation, epsilon, target);
            return;
        }
        Nd4j.getExecutioner().exec(new Step(activation, target));
        target.muli(epsilon);
    }

    /** {@code out = max(a + b, 0)} for arrays of one shape; {@code out} may be {@code a} or {@code b}. */
    static void sum(INDArray a, INDArray b, INDArray out) {
        if (OneDnn.takes(a, b, out)) {
            OneDnnElementwise.addRelu(a, b, out);
            return;
        }
        a.add(b, out);
        forward(out, out);
    }
}
