package io.attnspark.model.layer;

import java.util.Arrays;

import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.broadcast.BroadcastMulOp;
import org.nd4j.linalg.api.ops.impl.transforms.pairwise.arithmetic.MulOp;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Runtime of {@link NearestGateVertex}. The nearest resize is separable: with one-hot selection matrices
 * R [H,h] and S [W,w], {@code up = R · gate · Sᵀ} per (n, c), and its backward is {@code dgate = Rᵀ · dup · S},
 * which sums the gradient of every output position into the gate cell it was copied from.
 * Backward: {@code dx = eps · up}; {@code dup = eps · x}, summed over the channels for a one-channel gate.
 */
@SuppressWarnings("overrides") // BaseGraphVertex's own setInputs(INDArray[]) vs the interface's varargs
public class NearestGateVertexImpl extends ParameterFreeVertexImpl {

    private static final int[] BATCH_AND_SPATIAL = {0, 2, 3};

    public NearestGateVertexImpl(ComputationGraph graph, String name, int vertexIndex, DataType dataType) {
        super(graph, name, vertexIndex, dataType, "nearest gate");
    }

    @Override
    protected INDArray forward(boolean training, LayerWorkspaceMgr workspaceMgr) {
        INDArray x = inputs[0];
        INDArray out = workspaceMgr.createUninitialized(ArrayType.ACTIVATIONS, x.dataType(), x.shape(), 'c');
        multiply(x, resizedGate(), out);
        return out;
    }

    @Override
    protected INDArray[] backward(LayerWorkspaceMgr workspaceMgr) {
        INDArray x = inputs[0];
        INDArray gate = inputs[1];
        INDArray dx = workspaceMgr.createUninitialized(ArrayType.ACTIVATION_GRAD, epsilon.dataType(), epsilon.shape(), 'c');
        multiply(epsilon, resizedGate(), dx);

        INDArray dUp = epsilon.mul(x);
        if (gate.size(1) == 1 && x.size(1) != 1) {
            dUp = dUp.sum(true, 1);
        }
        INDArray dGate = workspaceMgr.createUninitialized(ArrayType.ACTIVATION_GRAD, epsilon.dataType(), gate.shape(), 'c');
        if (sameSize(gate, x)) {
            dGate.assign(dUp);
        } else {
            INDArray rows = selection(x.size(2), gate.size(2), x.dataType());
            INDArray cols = selection(x.size(3), gate.size(3), x.dataType());
            // [N,c,H,W] x R[H,h] -> [N,c,W,h]; x S[W,w] -> [N,c,h,w]
            dGate.assign(Nd4j.tensorMmul(Nd4j.tensorMmul(dUp, rows, new int[][] {{2}, {0}}), cols, new int[][] {{2}, {0}}));
        }
        return new INDArray[] {dx, dGate};
    }

    /** The gate at x's spatial size (the gate itself when the sizes agree). */
    private INDArray resizedGate() {
        INDArray x = inputs[0];
        INDArray gate = inputs[1];
        if (gate.size(0) != x.size(0) || gate.size(1) != x.size(1) && gate.size(1) != 1) {
            throw new IllegalStateException("nearest gate " + vertexName + ": gate " + Arrays.toString(gate.shape())
                    + " does not fit x " + Arrays.toString(x.shape()));
        }
        if (sameSize(gate, x)) {
            return gate;
        }
        INDArray rows = selection(x.size(2), gate.size(2), x.dataType());
        INDArray cols = selection(x.size(3), gate.size(3), x.dataType());
        // [N,c,h,w] x R[H,h] -> [N,c,w,H]; x S[W,w] -> [N,c,H,W]
        return Nd4j.tensorMmul(Nd4j.tensorMmul(gate, rows, new int[][] {{2}, {1}}), cols, new int[][] {{2}, {1}});
    }

    /** {@code a · gate} with the gate broadcast over the channels when it has one */
    private static void multiply(INDArray a, INDArray gate, INDArray out) {
        if (gate.size(1) == a.size(1)) {
            Nd4j.getExecutioner().exec(new MulOp(a, gate, out));
        } else {
            INDArray map = gate.reshape('c', gate.size(0), gate.size(2), gate.size(3));
            Nd4j.getExecutioner().exec(new BroadcastMulOp(a, map, out, BATCH_AND_SPATIAL));
        }
    }

    private static boolean sameSize(INDArray gate, INDArray x) {
        return gate.size(2) == x.size(2) && gate.size(3) == x.size(3);
    }

    /** One-hot [out, in]: row i selects PyTorch's nearest source index for output index i. */
    static INDArray selection(long outSize, long inSize, DataType type) {
        INDArray matrix = Nd4j.zeros(type, outSize, inSize);
        for (long i = 0; i < outSize; i++) {
            matrix.putScalar(i, nearestSource(i, inSize, outSize), 1.0);
        }
        return matrix;
    }

    /** PyTorch's {@code nearest_idx} (UpSample.h): the scale and product are float, as in its CPU kernel. */
    static long nearestSource(long outIndex, long inSize, long outSize) {
        if (outSize == inSize) {
            return outIndex;
        }
        if (outSize == 2 * inSize) {
            return outIndex >> 1;
        }
        float scale = (float) inSize / outSize;
        return Math.min((long) Math.floor(outIndex * scale), inSize - 1);
    }
}
