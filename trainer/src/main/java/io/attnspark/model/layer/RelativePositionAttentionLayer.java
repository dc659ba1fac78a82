package io.attnspark.model.layer;

import java.util.Arrays;

import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.gradient.DefaultGradient;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.broadcast.BroadcastAddOp;
import org.nd4j.linalg.api.ops.impl.transforms.custom.SoftMax;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * Runtime of {@link RelativePositionAttention}. As in {@link DotProductAttentionVertexImpl}, Q, K, V are viewed as
 * [B, d, P] (B = N·heads, P = H·W tokens, p = y·W + x), i.e. Qᵀ, Kᵀ, Vᵀ; with the queries also as tokens
 * Q [B·P, d] and the relative logits {@code Lh = Q heightRelᵀ} [B·P, 2H−1], {@code Lw = Q widthRelᵀ} [B·P, 2W−1]:
 * <pre>
 *   S[p, p'] = scale · q_p·k_p' + Lh[p, y' − y + H − 1] + Lw[p, x' − x + W − 1],  A = softmax over keys,  Oᵀ = Vᵀ Aᵀ
 *   dVᵀ = dOᵀ A,  dA = dO Vᵀ,  dS = A ⊙ (dA − rowSum(A ⊙ dA))
 *   dLh[p, y' − y + H − 1] = Σ_x' dS[p, p'],  dLw[p, x' − x + W − 1] = Σ_y' dS[p, p']
 *   dQᵀ = scale · Kᵀ dSᵀ + (dLh heightRel + dLw widthRel)ᵀ,  dKᵀ = scale · Qᵀ dS
 *   dheightRel = dLhᵀ Q,  dwidthRel = dLwᵀ Q  (summed over batch, heads and queries: the heads share them)
 * </pre>
 * The relative-to-absolute index shift is a loop over the H query rows and the W query columns, each one broadcast
 * add (or one copy, backward) of a [B, W, H] or [B, H, W] slice. A is recomputed in the backward pass, since forward
 * working memory does not outlive the forward pass under workspaces.
 */
public class RelativePositionAttentionLayer extends HandWrittenRuntimeLayer<RelativePositionAttention> {

    public RelativePositionAttentionLayer(NeuralNetConfiguration conf, DataType dataType) {
        super(conf, dataType);
    }

    @Override
    public INDArray activate(boolean training, LayerWorkspaceMgr workspaceMgr) {
        assertInputSet(false);
        applyDropOutIfNecessary(training, workspaceMgr);
        INDArray x = packedInput();
        Forward forward = forward(x, training, workspaceMgr);
        INDArray out = workspaceMgr.create(ArrayType.ACTIVATIONS, dataType,
                new long[] {x.size(0), x.size(1) / 3, x.size(2), x.size(3)}, 'c');
        Nd4j.matmul(forward.values, forward.attention, headsView(out), false, true, false);
        return out;
    }

    @Override
    public Pair<Gradient, INDArray> backpropGradient(INDArray epsilon, LayerWorkspaceMgr workspaceMgr) {
        assertInputSet(true);
        INDArray x = packedInput();
        Forward forward = forward(x, true, workspaceMgr);
        INDArray attention = forward.attention;
        INDArray outGrad = headsView(epsilon.castTo(dataType));

        INDArray dValues = Nd4j.matmul(outGrad, attention, false, false, false);
        INDArray dAttention = Nd4j.matmul(outGrad, forward.values, true, false, false);
        long rows = attention.size(0) * attention.size(1);
        long keys = attention.size(2);
        INDArray dScores = Nd4j.createUninitialized(dataType, attention.shape(), 'c');
        AttentionPoolVertexImpl.softmaxBackward(attention.reshape('c', rows, keys), dAttention.reshape('c', rows, keys),
                dScores.reshape('c', rows, keys), workspaceMgr);

        long batch = attention.size(0);
        INDArray heightGrad = absoluteToRelative(dScores, batch, height(), width(), true);
        INDArray widthGrad = absoluteToRelative(dScores, batch, height(), width(), false);
        INDArray heightRel = getParamWithNoise(RelativePositionAttention.HEIGHT_KEY, true, workspaceMgr);
        INDArray widthRel = getParamWithNoise(RelativePositionAttention.WIDTH_KEY, true, workspaceMgr);
        INDArray dQueryTokens = heightGrad.mmul(heightRel).addi(widthGrad.mmul(widthRel));
        INDArray heightRelGrad = gradientViews.get(RelativePositionAttention.HEIGHT_KEY);
        heightRelGrad.assign(heightGrad.transpose().mmul(forward.queryTokens));
        INDArray widthRelGrad = gradientViews.get(RelativePositionAttention.WIDTH_KEY);
        widthRelGrad.assign(widthGrad.transpose().mmul(forward.queryTokens));

        dScores.muli(layerConf().getScale());
        INDArray dQueries = Nd4j.matmul(forward.keys, dScores, false, true, false);
        dQueries.addi(dQueryTokens.reshape('c', batch, keys, dQueries.size(1)).permute(0, 2, 1));
        INDArray dKeys = Nd4j.matmul(forward.queries, dScores, false, false, false);

        INDArray inputGrad = workspaceMgr.create(ArrayType.ACTIVATION_GRAD, dataType, x.shape(), 'c');
        INDArray[] grads = {dQueries, dKeys, dValues};
        long channels = x.size(1) / 3;
        for (int part = 0; part < 3; part++) {
            channelRange(inputGrad, part).assign(grads[part].reshape('c', x.size(0), channels, x.size(2), x.size(3)));
        }
        Gradient gradient = new DefaultGradient();
        gradient.gradientForVariable().put(RelativePositionAttention.HEIGHT_KEY, heightRelGrad);
        gradient.gradientForVariable().put(RelativePositionAttention.WIDTH_KEY, widthRelGrad);
        weightNoiseParams.clear();
        return new Pair<>(gradient, inputGrad);
    }

    /** Qᵀ, Kᵀ, Vᵀ as [B, d, P], the queries as tokens [B·P, d], and the attention A [B, P, P]. */
    private record Forward(INDArray queries, INDArray keys, INDArray values, INDArray queryTokens, INDArray attention) { }

    private Forward forward(INDArray x, boolean training, LayerWorkspaceMgr workspaceMgr) {
        INDArray queries = headsView(channelRange(x, 0));
        INDArray keys = headsView(channelRange(x, 1));
        INDArray values = headsView(channelRange(x, 2));
        long batch = queries.size(0);
        long positions = queries.size(2);
        INDArray queryTokens = queries.permute(0, 2, 1).dup('c').reshape('c', batch * positions, queries.size(1));

        INDArray scores = Nd4j.matmul(queries, keys, true, false, false);
        scores.muli(layerConf().getScale());
        INDArray heightRel = getParamWithNoise(RelativePositionAttention.HEIGHT_KEY, training, workspaceMgr);
        INDArray widthRel = getParamWithNoise(RelativePositionAttention.WIDTH_KEY, training, workspaceMgr);
        addRelative(scores, queryTokens.mmul(heightRel.transpose()), queryTokens.mmul(widthRel.transpose()), batch);
        INDArray attention = Nd4j.createUninitialized(dataType, scores.shape(), 'c');
        Nd4j.exec(new SoftMax(scores, attention, 2));
        return new Forward(queries, keys, values, queryTokens, attention);
    }

    /**
     * Adds the relative logits to the scores [B, P, P] seen as [B, y, x, y', x']: for query row y, the height logits
     * [B·P, 2H−1] at offsets {@code y' − y + H − 1} (a slice of length H), broadcast over x'; for query column x, the
     * width logits at {@code x' − x + W − 1}, broadcast over y'.
     */
    private void addRelative(INDArray scores, INDArray heightLogits, INDArray widthLogits, long batch) {
        long h = height();
        long w = width();
        INDArray grid = scores.reshape('c', batch, h, w, h, w);
        INDArray byHeight = heightLogits.reshape('c', batch, h, w, 2 * h - 1);
        for (long y = 0; y < h; y++) {
            INDArray target = grid.get(NDArrayIndex.all(), NDArrayIndex.point(y), NDArrayIndex.all(), NDArrayIndex.all(),
                    NDArrayIndex.all());
            INDArray shifted = byHeight.get(NDArrayIndex.all(), NDArrayIndex.point(y), NDArrayIndex.all(),
                    NDArrayIndex.interval(h - 1 - y, 2 * h - 1 - y));
            Nd4j.getExecutioner().exec(new BroadcastAddOp(target, shifted, target, 0, 1, 2));
        }
        INDArray byWidth = widthLogits.reshape('c', batch, h, w, 2 * w - 1);
        for (long x = 0; x < w; x++) {
            INDArray target = grid.get(NDArrayIndex.all(), NDArrayIndex.all(), NDArrayIndex.point(x), NDArrayIndex.all(),
                    NDArrayIndex.all());
            INDArray shifted = byWidth.get(NDArrayIndex.all(), NDArrayIndex.all(), NDArrayIndex.point(x),
                    NDArrayIndex.interval(w - 1 - x, 2 * w - 1 - x));
            Nd4j.getExecutioner().exec(new BroadcastAddOp(target, shifted, target, 0, 1, 3));
        }
    }

    /**
     * The gradient of the height ({@code height = true}) or width logits, [B·P, 2·side − 1], from that of the scores:
     * the score gradient summed over the other key axis, put back at the relative offsets {@link #addRelative} read.
     */
    private static INDArray absoluteToRelative(INDArray dScores, long batch, long h, long w, boolean height) {
        INDArray grid = dScores.reshape('c', batch, h, w, h, w);
        long side = height ? h : w;
        // summed over x' for the height logits ([B, y, x, y']), over y' for the width logits ([B, y, x, x'])
        INDArray summed = grid.sum(height ? 4 : 3);
        INDArray relative = Nd4j.zeros(dScores.dataType(), batch, h, w, 2 * side - 1);
        for (long q = 0; q < side; q++) {
            var queryAxis = NDArrayIndex.point(q);
            var offsets = NDArrayIndex.interval(side - 1 - q, 2 * side - 1 - q);
            if (height) {
                relative.get(NDArrayIndex.all(), queryAxis, NDArrayIndex.all(), offsets)
                        .assign(summed.get(NDArrayIndex.all(), queryAxis, NDArrayIndex.all(), NDArrayIndex.all()));
            } else {
                relative.get(NDArrayIndex.all(), NDArrayIndex.all(), queryAxis, offsets)
                        .assign(summed.get(NDArrayIndex.all(), NDArrayIndex.all(), queryAxis, NDArrayIndex.all()));
            }
        }
        return relative.reshape('c', batch * h * w, 2 * side - 1);
    }

    /** The input in the network's data type, after checking that its map size is the one the embeddings are for. */
    private INDArray packedInput() {
        RelativePositionAttention conf = layerConf();
        if (input.rank() != 4 || input.size(2) != conf.getHeight() || input.size(3) != conf.getWidth()) {
            throw new IllegalStateException("relative-position attention '" + conf.getLayerName() + "': its position"
                    + " embeddings are for a " + conf.getHeight() + "x" + conf.getWidth() + " map, but the input has shape "
                    + Arrays.toString(input.shape()) + "; feed the image size the network was built for, or"
                    + " build it for the new size");
        }
        return input.castTo(dataType);
    }

    private long height() {
        return layerConf().getHeight();
    }

    private long width() {
        return layerConf().getWidth();
    }

    private static INDArray channelRange(INDArray packed, int part) {
        long channels = packed.size(1) / 3;
        return packed.get(NDArrayIndex.all(), NDArrayIndex.interval(part * channels, (part + 1) * channels),
                NDArrayIndex.all(), NDArrayIndex.all());
    }

    /** An NCHW array as [N·heads, C/heads, H·W]: a view of c-ordered arrays, a copy of others (so only for reading them). */
    private INDArray headsView(INDArray nchw) {
        int heads = layerConf().getHeads();
        return nchw.reshape('c', nchw.size(0) * heads, nchw.size(1) / heads, nchw.size(2) * nchw.size(3));
    }
}
