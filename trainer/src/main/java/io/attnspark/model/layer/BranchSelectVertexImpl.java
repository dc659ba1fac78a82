package io.attnspark.model.layer;

import java.util.Arrays;

import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.broadcast.BroadcastMulOp;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * Runtime of {@link BranchSelectVertex}. With {@code a_m = softmax over m of the logits} ([N, C] per branch):
 * forward {@code out = Σ_m a_m ⊙ U_m}; backward {@code dU_m = eps ⊙ a_m},
 * {@code g_m[n,c] = Σ_hw eps · U_m} and {@code dlogits_m = a_m (g_m − Σ_k a_k g_k)} (the softmax Jacobian).
 * The weights are recomputed in backward rather than kept, so nothing outlives a workspace.
 */
@SuppressWarnings("overrides") // BaseGraphVertex's own setInputs(INDArray[]) vs the interface's varargs
public class BranchSelectVertexImpl extends ParameterFreeVertexImpl {

    private static final int[] BATCH_AND_CHANNEL = {0, 1};
    private static final int[] SPATIAL = {2, 3};

    public BranchSelectVertexImpl(ComputationGraph graph, String name, int vertexIndex, DataType dataType) {
        super(graph, name, vertexIndex, dataType, "branch select");
    }

    @Override
    protected INDArray forward(boolean training, LayerWorkspaceMgr workspaceMgr) {
        INDArray[] weights = branchWeights();
        INDArray first = inputs[1];
        INDArray out = workspaceMgr.create(ArrayType.ACTIVATIONS, first.dataType(), first.shape(), 'c');
        INDArray weighted = Nd4j.createUninitialized(first.dataType(), first.shape(), 'c');
        for (int m = 0; m < weights.length; m++) {
            Nd4j.getExecutioner().exec(new BroadcastMulOp(inputs[m + 1], weights[m], weighted, BATCH_AND_CHANNEL));
            out.addi(weighted);
        }
        return out;
    }

    @Override
    protected INDArray[] backward(LayerWorkspaceMgr workspaceMgr) {
        INDArray[] weights = branchWeights();
        int branches = weights.length;
        long n = epsilon.size(0);
        long c = epsilon.size(1);
        var gradients = new INDArray[branches + 1];
        INDArray[] g = new INDArray[branches];
        INDArray weightedG = Nd4j.zeros(epsilon.dataType(), n, c);
        for (int m = 0; m < branches; m++) {
            INDArray dU = workspaceMgr.createUninitialized(ArrayType.ACTIVATION_GRAD, epsilon.dataType(), epsilon.shape(), 'c');
            Nd4j.getExecutioner().exec(new BroadcastMulOp(epsilon, weights[m], dU, BATCH_AND_CHANNEL));
            gradients[m + 1] = dU;
            g[m] = epsilon.mul(inputs[m + 1]).sum(SPATIAL);
            weightedG.addi(weights[m].mul(g[m]));
        }
        INDArray dLogits = workspaceMgr.createUninitialized(ArrayType.ACTIVATION_GRAD, epsilon.dataType(),
                new long[] {n, branches * c}, 'c');
        for (int m = 0; m < branches; m++) {
            dLogits.get(NDArrayIndex.all(), NDArrayIndex.interval(m * c, (m + 1) * c))
                    .assign(weights[m].mul(g[m].sub(weightedG)));
        }
        gradients[0] = dLogits.reshape('c', inputs[0].shape());
        return gradients;
    }

    /** The softmax over branches of the logits, one [N, C] array per branch. */
    private INDArray[] branchWeights() {
        int branches = inputs.length - 1;
        long n = inputs[1].size(0);
        long c = inputs[1].size(1);
        if (inputs[0].length() != n * branches * c) {
            throw new IllegalStateException("branch select " + vertexName + ": logits " + Arrays.toString(inputs[0].shape())
                    + " do not hold " + branches + " x " + c + " values per example");
        }
        INDArray logits = inputs[0].reshape('c', n, branches * c);
        var weights = new INDArray[branches];
        INDArray max = null;
        for (int m = 0; m < branches; m++) {
            weights[m] = logits.get(NDArrayIndex.all(), NDArrayIndex.interval(m * c, (m + 1) * c)).dup('c');
            max = max == null ? weights[m].dup() : Transforms.max(max, weights[m], true);
        }
        INDArray total = Nd4j.zeros(logits.dataType(), n, c);
        for (INDArray weight : weights) {
            // shifted by the maximum so that exp cannot overflow
            Transforms.exp(weight.subi(max), false);
            total.addi(weight);
        }
        for (INDArray weight : weights) {
            weight.divi(total);
        }
        return weights;
    }

    /** The output has the shape of the branches, so their mask (if any) still applies. */
    @Override
    protected INDArray outputMask(INDArray[] maskArrays) {
        return maskArrays == null ? null : maskArrays[1];
    }
}
