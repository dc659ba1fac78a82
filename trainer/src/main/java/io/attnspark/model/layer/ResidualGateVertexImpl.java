package io.attnspark.model.layer;

import java.util.Arrays;

import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.transforms.pairwise.arithmetic.MulOp;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Runtime of {@link ResidualGateVertex}: with {@code s = sigmoid(z)}, {@code out = x · s + x}; backward
 * {@code dx = eps · s + eps} and {@code dz = eps · x · s · (1 - s)}. The sigmoid is recomputed in the backward pass
 * rather than kept, since forward working memory does not outlive the forward pass under workspaces.
 */
@SuppressWarnings("overrides") // BaseGraphVertex's own setInputs(INDArray[]) vs the interface's varargs
public class ResidualGateVertexImpl extends ParameterFreeVertexImpl implements ReadsGradientOnly {

    public ResidualGateVertexImpl(ComputationGraph graph, String name, int vertexIndex, DataType dataType) {
        super(graph, name, vertexIndex, dataType, "residual gate");
    }

    @Override
    protected INDArray forward(boolean training, LayerWorkspaceMgr workspaceMgr) {
        INDArray x = RowOps.contiguous(inputs[0]);
        INDArray s = gate(workspaceMgr, ArrayType.FF_WORKING_MEM);
        INDArray out = workspaceMgr.createUninitialized(ArrayType.ACTIVATIONS, x.dataType(), x.shape(), 'c');
        Sigmoid.multiplyAdd(x, s, x, out);
        return out;
    }

    @Override
    protected INDArray[] backward(LayerWorkspaceMgr workspaceMgr) {
        INDArray x = RowOps.contiguous(inputs[0]);
        INDArray s = gate(workspaceMgr, ArrayType.BP_WORKING_MEM);
        INDArray eps = RowOps.contiguous(epsilon);
        INDArray dx = workspaceMgr.createUninitialized(ArrayType.ACTIVATION_GRAD, x.dataType(), x.shape(), 'c');
        Sigmoid.multiplyAdd(eps, s, eps, dx);
        INDArray dz = workspaceMgr.createUninitialized(ArrayType.ACTIVATION_GRAD, x.dataType(), x.shape(), 'c');
        Nd4j.exec(new MulOp(eps, x, dz));
        Sigmoid.backward(s, dz, dz);
        return new INDArray[] {dx, dz};
    }

    /** {@code sigmoid(z)}, checked to have x's shape. */
    private INDArray gate(LayerWorkspaceMgr workspaceMgr, ArrayType arrayType) {
        INDArray z = RowOps.contiguous(inputs[1]);
        if (!z.equalShapes(inputs[0])) {
            throw new IllegalStateException("residual gate " + vertexName + ": logits " + Arrays.toString(z.shape())
                    + " for x " + Arrays.toString(inputs[0].shape()));
        }
        INDArray s = workspaceMgr.createUninitialized(arrayType, z.dataType(), z.shape(), 'c');
        Sigmoid.forward(z, s);
        return s;
    }
}
