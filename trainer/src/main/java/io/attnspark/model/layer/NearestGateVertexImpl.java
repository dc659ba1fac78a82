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
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * Runtime of {@link NearestGateVertex}. The nearest resize is separable: with one-hot selection matrices
 * R [H,h] and S [W,w], {@code up = R · gate · Sᵀ} per (n, c), and its backward is {@code dgate = Rᵀ · dup · S},
 * which sums the gradient of every output position into the gate cell it was copied from.
 * Backward: {@code dx = eps · up}; {@code dup = eps · x}, summed over the channels for a one-channel gate.
 */
@SuppressWarnings("overrides") // BaseGraphVertex's own setInputs(INDArray[]) vs the interface's varargs
public class NearestGateVertexImpl extends ParameterFreeVertexImpl implements ReadsGradientOnly {

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

        INDArray dUp = gate.size(1) == 1 && x.size(1) != 1 ? channelSumOfProducts(epsilon, x, workspaceMgr) : epsilon.mul(x);
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

    /**
     * {@code sum over c of e[n, c] · x[n, c]} as [N, 1, H, W]: per example, the products [C, H·W] (in working memory,
     * where they stay in the cache) times a row of ones. ND4J's sum over dimension 1 strides through the map and took
     * 10-20x longer (77 ms against 5 ms at 256 x 56 x 56, batch 8).
     */
    private static INDArray channelSumOfProducts(INDArray e, INDArray x, LayerWorkspaceMgr workspaceMgr) {
        long n = x.size(0);
        long channels = x.size(1);
        long positions = x.size(2) * x.size(3);
        INDArray eRows = RowOps.contiguous(e).reshape('c', n * channels, positions);
        INDArray xRows = RowOps.contiguous(x).reshape('c', n * channels, positions);
        INDArray products = workspaceMgr.createUninitialized(ArrayType.BP_WORKING_MEM, x.dataType(), channels, positions);
        INDArray ones = Nd4j.ones(x.dataType(), 1, channels);
        INDArray sums = Nd4j.createUninitialized(x.dataType(), n, positions);
        for (long example = 0; example < n; example++) {
            var rows = NDArrayIndex.interval(example * channels, (example + 1) * channels);
            Nd4j.getExecutioner().exec(new MulOp(eRows.get(rows, NDArrayIndex.all()), xRows.get(rows, NDArrayIndex.all()),
                    products));
            Nd4j.gemm(ones, products, sums.get(NDArrayIndex.interval(example, example + 1), NDArrayIndex.all()), false,
                    false, 1.0, 0.0);
        }
        return sums.reshape('c', n, 1, x.size(2), x.size(3));
    }

    /** {@code a · gate} with the gate broadcast over the channels when it has one */
    private static void multiply(INDArray a, INDArray gate, INDArray out) {
        if (gate.size(1) == a.size(1)) {
            Nd4j.getExecutioner().exec(new MulOp(a, gate, out));
        } else if (OneDnn.takes(a, gate, out)) {
            OneDnnRowOps.multiplyByMap(a, gate, out);
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
