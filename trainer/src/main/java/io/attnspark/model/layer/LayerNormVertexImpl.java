package io.attnspark.model.layer;

import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.broadcast.BroadcastDivOp;
import org.nd4j.linalg.api.ops.impl.broadcast.BroadcastMulOp;
import org.nd4j.linalg.api.ops.impl.broadcast.BroadcastSubOp;
import org.nd4j.linalg.api.ops.impl.transforms.floating.Sqrt;
import org.nd4j.linalg.api.ops.impl.transforms.pairwise.arithmetic.MulOp;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Runtime of {@link LayerNormVertex}. With {@code y = (x - mean) / s}, {@code s = sqrt(var + eps)} per row, the
 * backward pass is {@code dx = (g - mean(g) - y · mean(g ⊙ y)) / s} with row means over the F features.
 */
@SuppressWarnings("overrides") // BaseGraphVertex's own setInputs(INDArray[]) vs the interface's varargs
public class LayerNormVertexImpl extends ParameterFreeVertexImpl {

    private final double eps;

    public LayerNormVertexImpl(ComputationGraph graph, String name, int vertexIndex, DataType dataType, double eps) {
        super(graph, name, vertexIndex, dataType, "layer norm");
        this.eps = eps;
    }

    @Override
    protected INDArray forward(boolean training, LayerWorkspaceMgr workspaceMgr) {
        INDArray out = workspaceMgr.createUninitialized(ArrayType.ACTIVATIONS, inputs[0].dataType(), inputs[0].shape(), 'c');
        normalize(out, workspaceMgr, ArrayType.FF_WORKING_MEM);
        return out;
    }

    @Override
    protected INDArray[] backward(LayerWorkspaceMgr workspaceMgr) {
        INDArray x = inputs[0];
        long rows = x.size(0);
        INDArray y = workspaceMgr.createUninitialized(ArrayType.BP_WORKING_MEM, x.dataType(), x.shape(), 'c');
        INDArray std = normalize(y, workspaceMgr, ArrayType.BP_WORKING_MEM);

        INDArray gradMean = workspaceMgr.createUninitialized(ArrayType.BP_WORKING_MEM, x.dataType(), new long[] {rows}, 'c');
        epsilon.mean(gradMean, 1);
        INDArray gradTimesY = workspaceMgr.createUninitialized(ArrayType.BP_WORKING_MEM, x.dataType(), x.shape(), 'c');
        Nd4j.getExecutioner().exec(new MulOp(epsilon, y, gradTimesY));
        INDArray gradTimesYMean = workspaceMgr.createUninitialized(ArrayType.BP_WORKING_MEM, x.dataType(), new long[] {rows}, 'c');
        gradTimesY.mean(gradTimesYMean, 1);

        INDArray dx = workspaceMgr.createUninitialized(ArrayType.ACTIVATION_GRAD, x.dataType(), x.shape(), 'c');
        Nd4j.getExecutioner().exec(new BroadcastMulOp(y, gradTimesYMean, dx, 0));
        dx.rsubi(epsilon);
        Nd4j.getExecutioner().exec(new BroadcastSubOp(dx, gradMean, dx, 0));
        Nd4j.getExecutioner().exec(new BroadcastDivOp(dx, std, dx, 0));
        return new INDArray[] {dx};
    }

    /** Writes the normalized input into {@code out} and returns the per-row {@code sqrt(var + eps)}. */
    private INDArray normalize(INDArray out, LayerWorkspaceMgr workspaceMgr, ArrayType workingMemory) {
        INDArray x = inputs[0];
        long rows = x.size(0);
        INDArray mean = workspaceMgr.createUninitialized(workingMemory, x.dataType(), new long[] {rows}, 'c');
        x.mean(mean, 1);
        INDArray std = workspaceMgr.createUninitialized(workingMemory, x.dataType(), new long[] {rows}, 'c');
        Nd4j.getExecutioner().exec(new BroadcastSubOp(x, mean, out, 0));
        // biased variance of the centred rows, as torch's LayerNorm
        INDArray squares = workspaceMgr.createUninitialized(workingMemory, x.dataType(), x.shape(), 'c');
        Nd4j.getExecutioner().exec(new MulOp(out, out, squares));
        squares.mean(std, 1);
        std.addi(eps);
        Nd4j.getExecutioner().exec(new Sqrt(std, std));
        Nd4j.getExecutioner().exec(new BroadcastDivOp(out, std, out, 0));
        return std;
    }

    @Override
    public String toString() {
        return "LayerNormVertexImpl(name=" + vertexName + ", eps=" + eps + ")";
    }
}
