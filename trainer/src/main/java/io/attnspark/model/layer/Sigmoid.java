package io.attnspark.model.layer;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.transforms.pairwise.arithmetic.MulOp;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The sigmoid of this package's gates: one oneDNN pass each ({@link OneDnnElementwise}) where oneDNN takes the arrays,
 * else ND4J's.
 */
final class Sigmoid {

    private Sigmoid() { }

    /** {@code out = 1 / (1 + exp(-x))}; {@code out} may be {@code x}. */
    static void forward(INDArray x, INDArray out) {
        if (OneDnn.takes(x, out)) {
            OneDnnElementwise.sigmoid(x, out);
            return;
        }
        Nd4j.exec(new org.nd4j.linalg.api.ops.impl.transforms.strict.Sigmoid(x, out));
    }

    /** {@code target = epsilon · s · (1 - s)} for the sigmoid's output {@code s}; {@code target} may be {@code epsilon}. */
    static void backward(INDArray s, INDArray epsilon, INDArray target) {
        if (OneDnn.takes(s, epsilon, target)) {
            OneDnnElementwise.sigmoidGradient(s, epsilon, target);
            return;
        }
        INDArray slope = s.rsub(1.0).muli(s);
        Nd4j.exec(new MulOp(epsilon, slope, target));
    }

    /** {@code out = a · b + c} for arrays of one shape; {@code out} may be any of them. */
    static void multiplyAdd(INDArray a, INDArray b, INDArray c, INDArray out) {
        if (OneDnn.takes(a, b, c, out)) {
            OneDnnElementwise.multiplyAdd(a, b, c, out);
            return;
        }
        INDArray sum = a.mul(b).addi(c);
        out.assign(sum);
    }
}
