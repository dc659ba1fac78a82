package io.attnspark.model.layer;

import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.broadcast.BroadcastSubOp;
import org.nd4j.linalg.api.ops.impl.transforms.custom.SoftMax;
import org.nd4j.linalg.api.ops.impl.transforms.pairwise.arithmetic.MulOp;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Runtime of {@link AttentionPoolVertex}. With x as [N,C,P] and the weights a as [N,P,1], the context is the batched
 * product {@code x · a}. Backward, with {@code e = dL/dcontext} as [N,C,1]: {@code dx = e · aᵀ},
 * {@code da = eᵀ · x}, and through the softmax {@code dlogits = a ⊙ (da - sum over p of a ⊙ da)}.
 * The weights are recomputed in the backward pass rather than kept, since forward working memory does not outlive
 * the forward pass under workspaces.
 */
@SuppressWarnings("overrides") // BaseGraphVertex's own setInputs(INDArray[]) vs the interface's varargs
public class AttentionPoolVertexImpl extends ParameterFreeVertexImpl {

    public AttentionPoolVertexImpl(ComputationGraph graph, String name, int vertexIndex, DataType dataType) {
        super(graph, name, vertexIndex, dataType, "attention pool");
    }

    @Override
    protected INDArray forward(boolean training, LayerWorkspaceMgr workspaceMgr) {
        long n = inputs[0].size(0);
        long c = inputs[0].size(1);
        INDArray weights = softmaxWeights(workspaceMgr, ArrayType.FF_WORKING_MEM);
        INDArray context = workspaceMgr.createUninitialized(ArrayType.ACTIVATIONS, inputs[0].dataType(), new long[] {n, c}, 'c');
        Nd4j.matmul(positions(), weights.reshape('c', n, weights.size(1), 1), context.reshape('c', n, c, 1), false, false, false);
        return context;
    }

    @Override
    protected INDArray[] backward(LayerWorkspaceMgr workspaceMgr) {
        INDArray x = inputs[0];
        long n = x.size(0);
        long c = x.size(1);
        INDArray weights = softmaxWeights(workspaceMgr, ArrayType.BP_WORKING_MEM);
        long p = weights.size(1);
        INDArray eps = epsilon.reshape('c', n, c, 1);

        INDArray dx = workspaceMgr.createUninitialized(ArrayType.ACTIVATION_GRAD, x.dataType(), x.shape(), 'c');
        Nd4j.matmul(eps, weights.reshape('c', n, 1, p), dx.reshape('c', n, c, p), false, false, false);

        INDArray dWeights = workspaceMgr.createUninitialized(ArrayType.BP_WORKING_MEM, x.dataType(), new long[] {n, p}, 'c');
        Nd4j.matmul(eps, positions(), dWeights.reshape('c', n, 1, p), true, false, false);
        INDArray dLogits = workspaceMgr.createUninitialized(ArrayType.ACTIVATION_GRAD, x.dataType(), inputs[1].shape(), 'c');
        softmaxBackward(weights, dWeights, dLogits.reshape('c', n, p), workspaceMgr);
        return new INDArray[] {dx, dLogits};
    }

    /** {@code dLogits = a ⊙ (da - rowSum(a ⊙ da))} for softmax rows {@code a} along the last dimension of 2-D arrays. */
    static void softmaxBackward(INDArray a, INDArray da, INDArray dLogits, LayerWorkspaceMgr workspaceMgr) {
        Nd4j.getExecutioner().exec(new MulOp(a, da, dLogits));
        INDArray rowSums = workspaceMgr.createUninitialized(ArrayType.BP_WORKING_MEM, a.dataType(), new long[] {a.size(0)}, 'c');
        dLogits.sum(rowSums, 1);
        Nd4j.getExecutioner().exec(new BroadcastSubOp(da, rowSums, dLogits, 0));
        Nd4j.getExecutioner().exec(new MulOp(dLogits, a, dLogits));
    }

    /** x as [N,C,H*W]. */
    private INDArray positions() {
        INDArray x = inputs[0];
        return x.reshape('c', x.size(0), x.size(1), x.size(2) * x.size(3));
    }

    /** softmax over all positions of the logits, as [N,H*W] */
    private INDArray softmaxWeights(LayerWorkspaceMgr workspaceMgr, ArrayType arrayType) {
        INDArray logits = inputs[1];
        long n = logits.size(0);
        INDArray flat = logits.reshape('c', n, logits.length() / n);
        INDArray weights = workspaceMgr.createUninitialized(arrayType, logits.dataType(), flat.shape(), 'c');
        Nd4j.exec(new SoftMax(flat, weights, 1));
        return weights;
    }

    @Override
    protected INDArray outputMask(INDArray[] maskArrays) {
        // pooling over all positions leaves no per-position mask
        return null;
    }
}
