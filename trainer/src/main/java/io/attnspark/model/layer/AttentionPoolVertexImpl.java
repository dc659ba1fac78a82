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
 * Runtime of {@link AttentionPoolVertex}. With x as rows [N·C, P] and the weights a [N, P] (softmax of the logits over
 * the positions), the context of example n is {@code x[n] · a[n]}. Backward, with {@code e = dL/dcontext} [N, C]:
 * {@code dx[n] = e[n] · a[n]ᵀ}, {@code da[n] = e[n]ᵀ · x[n]}, and through the softmax
 * {@code dlogits = a ⊙ (da - sum over p of a ⊙ da)}. All three per-example products run over chunks of the batch as
 * wide products ({@link ExampleBlocks}); ND4J's batched products of one row or column per example were slower.
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
        INDArray rows = positionRows();
        INDArray context = workspaceMgr.createUninitialized(ArrayType.ACTIVATIONS, inputs[0].dataType(), new long[] {n, c}, 'c');
        for (long start = 0; start < n; start += ExampleBlocks.CHUNK) {
            long count = Math.min(ExampleBlocks.CHUNK, n - start);
            // [k·C, k]: every example's rows against every example's weights; the diagonal blocks are the contexts
            INDArray products = Nd4j.gemm(ExampleBlocks.exampleRows(rows, c, start, count),
                    ExampleBlocks.chunk(weights, start, count), false, true);
            ExampleBlocks.diagonalBlocks(products, ExampleBlocks.chunk(context, start, count));
        }
        return context;
    }

    @Override
    protected INDArray[] backward(LayerWorkspaceMgr workspaceMgr) {
        INDArray x = inputs[0];
        long n = x.size(0);
        long c = x.size(1);
        INDArray weights = softmaxWeights(workspaceMgr, ArrayType.BP_WORKING_MEM);
        long p = weights.size(1);
        INDArray rows = positionRows();
        INDArray e = RowOps.contiguous(epsilon).reshape('c', n, c);

        INDArray dx = workspaceMgr.createUninitialized(ArrayType.ACTIVATION_GRAD, x.dataType(), x.shape(), 'c');
        INDArray dxRows = dx.reshape('c', n * c, p);
        INDArray dWeights = workspaceMgr.createUninitialized(ArrayType.BP_WORKING_MEM, x.dataType(), new long[] {n, p}, 'c');
        for (long start = 0; start < n; start += ExampleBlocks.CHUNK) {
            long count = Math.min(ExampleBlocks.CHUNK, n - start);
            INDArray contextGradients = ExampleBlocks.blockRows(ExampleBlocks.chunk(e, start, count));
            Nd4j.gemm(contextGradients, ExampleBlocks.chunk(weights, start, count),
                    ExampleBlocks.exampleRows(dxRows, c, start, count), true, false, 1.0, 0.0);
            Nd4j.gemm(contextGradients, ExampleBlocks.exampleRows(rows, c, start, count),
                    ExampleBlocks.chunk(dWeights, start, count), false, false, 1.0, 0.0);
        }
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

    /** x as rows [N·C, H·W]. */
    private INDArray positionRows() {
        INDArray x = RowOps.contiguous(inputs[0]);
        return x.reshape('c', x.size(0) * x.size(1), x.size(2) * x.size(3));
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
