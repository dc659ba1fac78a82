package io.attnspark.model.layer;

import java.util.Arrays;

import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.broadcast.BroadcastMulOp;
import org.nd4j.linalg.api.ops.impl.reduce3.Dot;
import org.nd4j.linalg.api.ops.impl.transforms.custom.SoftMax;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.INDArrayIndex;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * Runtime of {@link RadixSelectVertex}. With the logits read as {@code L[n,r,c]} (torch's [K, R, C/K] order moved to
 * [R, C]), {@code a = softmax_r(L)} (sigmoid for radix 1), forward {@code out = Σ_r a_r ⊙ x_r}; backward
 * {@code dx_r = eps ⊙ a_r}, {@code g_r[n,c] = Σ_hw eps · x_r} and {@code dL_r = a_r (g_r − Σ_k a_k g_k)}
 * (softmax Jacobian) or {@code dL = g · a (1 − a)} (sigmoid), moved back to torch's order.
 * The attention is recomputed in backward rather than kept, so nothing outlives a workspace.
 */
@SuppressWarnings("overrides") // BaseGraphVertex's own setInputs(INDArray[]) vs the interface's varargs
public class RadixSelectVertexImpl extends ParameterFreeVertexImpl {

    private static final int[] BATCH_AND_CHANNEL = {0, 1};

    private final int radix;
    private final int cardinality;

    public RadixSelectVertexImpl(ComputationGraph graph, String name, int vertexIndex, DataType dataType, int radix,
            int cardinality) {
        super(graph, name, vertexIndex, dataType, "radix select");
        this.radix = radix;
        this.cardinality = cardinality;
    }

    @Override
    protected INDArray forward(boolean training, LayerWorkspaceMgr workspaceMgr) {
        INDArray x = inputs[1];
        long channels = x.size(1) / radix;
        INDArray attention = attention();
        INDArray out = workspaceMgr.createUninitialized(ArrayType.ACTIVATIONS, x.dataType(),
                new long[] {x.size(0), channels, x.size(2), x.size(3)}, 'c');
        Nd4j.getExecutioner().exec(new BroadcastMulOp(part(x, 0, channels), radixSlice(attention, 0).dup(), out,
                BATCH_AND_CHANNEL));
        INDArray weighted = Nd4j.createUninitialized(x.dataType(), out.shape(), 'c');
        for (int r = 1; r < radix; r++) {
            Nd4j.getExecutioner().exec(new BroadcastMulOp(part(x, r, channels), radixSlice(attention, r).dup(), weighted,
                    BATCH_AND_CHANNEL));
            out.addi(weighted);
        }
        return out;
    }

    @Override
    protected INDArray[] backward(LayerWorkspaceMgr workspaceMgr) {
        INDArray x = inputs[1];
        long channels = x.size(1) / radix;
        INDArray attention = attention();
        INDArray dx = workspaceMgr.createUninitialized(ArrayType.ACTIVATION_GRAD, epsilon.dataType(), x.shape(), 'c');
        INDArray weightedEps = Nd4j.createUninitialized(epsilon.dataType(), epsilon.shape(), 'c');
        INDArray g = Nd4j.createUninitialized(epsilon.dataType(), attention.shape(), 'c');
        long positions = x.size(2) * x.size(3);
        INDArray epsilonPositions = RowOps.contiguous(epsilon).reshape('c', x.size(0), channels, positions);
        INDArray xPositions = RowOps.contiguous(x).reshape('c', x.size(0), radix, channels, positions);
        for (int r = 0; r < radix; r++) {
            Nd4j.getExecutioner().exec(new BroadcastMulOp(epsilon, radixSlice(attention, r).dup(), weightedEps,
                    BATCH_AND_CHANNEL));
            part(dx, r, channels).assign(weightedEps);
            // one pass over both maps; eps.mul(x_r) on x's channel slice took 3% of a ResNet-50 splat step
            INDArray xr = xPositions.get(NDArrayIndex.all(), NDArrayIndex.point(r), NDArrayIndex.all(), NDArrayIndex.all());
            radixSlice(g, r).assign(Nd4j.getExecutioner().exec(new Dot(epsilonPositions, xr, 2)));
        }
        INDArray dLogits;
        if (radix == 1) {
            dLogits = g.muli(attention).muli(attention.rsub(1.0));
        } else {
            INDArray expectedG = attention.mul(g).sum(true, 1);
            dLogits = Nd4j.createUninitialized(epsilon.dataType(), attention.shape(), 'c');
            for (int r = 0; r < radix; r++) {
                radixSlice(dLogits, r).assign(radixSlice(attention, r).mul(radixSlice(g, r).sub(radixSlice(expectedG, 0))));
            }
        }
        INDArray dLogitsTorchOrder = workspaceMgr.createUninitialized(ArrayType.ACTIVATION_GRAD, epsilon.dataType(),
                inputs[0].shape(), 'c');
        dLogitsTorchOrder.assign(fromRadixMajor(dLogits).reshape('c', inputs[0].shape()));
        return new INDArray[] {dLogitsTorchOrder, dx};
    }

    /** rSoftMax of the logits as [N, R, C], 'c' order. */
    private INDArray attention() {
        INDArray x = inputs[1];
        long n = x.size(0);
        long channels = x.size(1) / radix;
        if (inputs[0].length() != n * radix * channels) {
            throw new IllegalStateException("radix select " + vertexName + ": logits " + Arrays.toString(inputs[0].shape())
                    + " do not hold " + radix + " x " + channels + " values per example");
        }
        long perGroup = channels / cardinality;
        // torch's view(N, K, R, C/K).transpose(1, 2): the radix axis first, channel c = group · C/K + j
        INDArray logits = inputs[0].reshape('c', n, cardinality, radix, perGroup).permute(0, 2, 1, 3).dup('c')
                .reshape('c', n, radix, channels);
        if (radix == 1) {
            return Transforms.sigmoid(logits, false);
        }
        INDArray attention = Nd4j.createUninitialized(logits.dataType(), logits.shape(), 'c');
        Nd4j.getExecutioner().exec(new SoftMax(logits, attention, 1));
        return attention;
    }

    /** [N, R, C] (radix first) back to torch's [N, K·R·C/K] order of the logits. */
    private INDArray fromRadixMajor(INDArray radixMajor) {
        long n = radixMajor.size(0);
        long channels = radixMajor.size(2);
        return radixMajor.reshape('c', n, radix, cardinality, channels / cardinality).permute(0, 2, 1, 3).dup('c')
                .reshape('c', n, radix * channels);
    }

    /** a[:, r, :] as [N, C]. */
    private static INDArray radixSlice(INDArray radixMajor, int r) {
        return radixMajor.get(NDArrayIndex.all(), NDArrayIndex.point(r), NDArrayIndex.all());
    }

    /** Channels {@code [r·C, (r+1)·C)} of an NCHW array. */
    private static INDArray part(INDArray array, int r, long channels) {
        INDArrayIndex all = NDArrayIndex.all();
        return array.get(all, NDArrayIndex.interval(r * channels, (r + 1) * channels), all, all);
    }

    /** The output keeps the branches' spatial shape, so their mask (if any) still applies. */
    @Override
    protected INDArray outputMask(INDArray[] maskArrays) {
        return maskArrays == null ? null : maskArrays[1];
    }
}
