package io.attnspark.model.layer;

import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.transforms.custom.SoftMax;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * Runtime of {@link DotProductAttentionVertex}. Each of Q, K, V is viewed as [N·heads, d, P] (channels of a head by
 * positions), i.e. the transposes Qᵀ, Kᵀ, Vᵀ, so every product is one batched matmul and the output needs no copy:
 * <pre>
 *   S = scale · Q Kᵀ,  A = softmax over keys (rows of S),  Oᵀ = Vᵀ Aᵀ
 *   dVᵀ = dOᵀ A,  dA = (dOᵀ)ᵀ Vᵀ = dO Vᵀ,  dS = scale · A ⊙ (dA - rowSum(A ⊙ dA)),  dQᵀ = Kᵀ dSᵀ,  dKᵀ = Qᵀ dS
 * </pre>
 * A is recomputed in the backward pass, since forward working memory does not outlive the forward pass under
 * workspaces.
 */
@SuppressWarnings("overrides") // BaseGraphVertex's own setInputs(INDArray[]) vs the interface's varargs
public class DotProductAttentionVertexImpl extends ParameterFreeVertexImpl {

    private final int heads;
    private final double scale;

    public DotProductAttentionVertexImpl(ComputationGraph graph, String name, int vertexIndex, DataType dataType,
            int heads, double scale) {
        super(graph, name, vertexIndex, dataType, "dot-product attention");
        this.heads = heads;
        this.scale = scale;
    }

    @Override
    protected INDArray forward(boolean training, LayerWorkspaceMgr workspaceMgr) {
        INDArray[] qkv = queriesKeysValues();
        INDArray attention = attention(qkv, workspaceMgr, ArrayType.FF_WORKING_MEM);
        INDArray out = workspaceMgr.createUninitialized(ArrayType.ACTIVATIONS, qkv[2].dataType(), qkv[2].shape(), 'c');
        Nd4j.matmul(headsView(qkv[2]), attention, headsView(out), false, true, false);
        return out;
    }

    @Override
    protected INDArray[] backward(LayerWorkspaceMgr workspaceMgr) {
        INDArray[] qkv = queriesKeysValues();
        INDArray attention = attention(qkv, workspaceMgr, ArrayType.BP_WORKING_MEM);
        INDArray outGrad = headsView(epsilon);
        // separate inputs get their gradients directly; a packed input gets them copied into its channel ranges
        ArrayType gradType = inputs.length == 3 ? ArrayType.ACTIVATION_GRAD : ArrayType.BP_WORKING_MEM;

        INDArray dValues = workspaceMgr.createUninitialized(gradType, qkv[2].dataType(), qkv[2].shape(), 'c');
        Nd4j.matmul(outGrad, attention, headsView(dValues), false, false, false);

        INDArray dAttention = workspaceMgr.createUninitialized(ArrayType.BP_WORKING_MEM, attention.dataType(), attention.shape(), 'c');
        Nd4j.matmul(outGrad, headsView(qkv[2]), dAttention, true, false, false);
        long rows = attention.size(0) * attention.size(1);
        long keys = attention.size(2);
        INDArray dScores = workspaceMgr.createUninitialized(ArrayType.BP_WORKING_MEM, attention.dataType(), attention.shape(), 'c');
        AttentionPoolVertexImpl.softmaxBackward(attention.reshape('c', rows, keys), dAttention.reshape('c', rows, keys),
                dScores.reshape('c', rows, keys), workspaceMgr);
        dScores.muli(scale);

        INDArray dQueries = workspaceMgr.createUninitialized(gradType, qkv[0].dataType(), qkv[0].shape(), 'c');
        Nd4j.matmul(headsView(qkv[1]), dScores, headsView(dQueries), false, true, false);
        INDArray dKeys = workspaceMgr.createUninitialized(gradType, qkv[1].dataType(), qkv[1].shape(), 'c');
        Nd4j.matmul(headsView(qkv[0]), dScores, headsView(dKeys), false, false, false);
        if (inputs.length == 3) {
            return new INDArray[] {dQueries, dKeys, dValues};
        }
        INDArray dPacked = workspaceMgr.createUninitialized(ArrayType.ACTIVATION_GRAD, inputs[0].dataType(), inputs[0].shape(), 'c');
        INDArray[] grads = {dQueries, dKeys, dValues};
        for (int part = 0; part < 3; part++) {
            channelRange(dPacked, part).assign(grads[part]);
        }
        return new INDArray[] {dPacked};
    }

    /** Q, K, V: the three inputs, or the three equal channel ranges of one packed input (views). */
    private INDArray[] queriesKeysValues() {
        if (inputs.length == 3) {
            return inputs;
        }
        return new INDArray[] {channelRange(inputs[0], 0), channelRange(inputs[0], 1), channelRange(inputs[0], 2)};
    }

    private static INDArray channelRange(INDArray packed, int part) {
        long channels = packed.size(1) / 3;
        return packed.get(NDArrayIndex.all(), NDArrayIndex.interval(part * channels, (part + 1) * channels),
                NDArrayIndex.all(), NDArrayIndex.all());
    }

    /** {@code softmax(scale · Q Kᵀ)} over the keys, as [N·heads, P, P] */
    private INDArray attention(INDArray[] qkv, LayerWorkspaceMgr workspaceMgr, ArrayType arrayType) {
        INDArray queries = headsView(qkv[0]);
        long batch = queries.size(0);
        long positions = queries.size(2);
        INDArray scores = workspaceMgr.createUninitialized(arrayType, queries.dataType(), new long[] {batch, positions, positions}, 'c');
        Nd4j.matmul(queries, headsView(qkv[1]), scores, true, false, false);
        scores.muli(scale);
        INDArray attention = workspaceMgr.createUninitialized(arrayType, queries.dataType(), scores.shape(), 'c');
        Nd4j.exec(new SoftMax(scores, attention, 2));
        return attention;
    }

    /** An NCHW array as [N·heads, C/heads, H·W]: a view of c-ordered arrays, a copy of others (so only for reading them). */
    private INDArray headsView(INDArray nchw) {
        return nchw.reshape('c', nchw.size(0) * heads, nchw.size(1) / heads, nchw.size(2) * nchw.size(3));
    }

    @Override
    public String toString() {
        return "DotProductAttentionVertexImpl(name=" + vertexName + ", heads=" + heads + ", scale=" + scale + ")";
    }
}
