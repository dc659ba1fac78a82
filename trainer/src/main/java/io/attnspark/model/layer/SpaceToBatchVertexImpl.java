package io.attnspark.model.layer;

import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/** Runtime of {@link SpaceToBatchVertex}; its gradient is the inverse rearrangement. */
@SuppressWarnings("overrides") // BaseGraphVertex's own setInputs(INDArray[]) vs the interface's varargs
public class SpaceToBatchVertexImpl extends ParameterFreeVertexImpl {

    private final int block;

    public SpaceToBatchVertexImpl(ComputationGraph graph, String name, int vertexIndex, DataType dataType, int block) {
        super(graph, name, vertexIndex, dataType, "space to batch");
        this.block = block;
    }

    @Override
    protected INDArray forward(boolean training, LayerWorkspaceMgr workspaceMgr) {
        INDArray x = inputs[0];
        INDArray out = workspaceMgr.createUninitialized(ArrayType.ACTIVATIONS, x.dataType(),
                SpaceBatch.batchShape(x.shape(), block), 'c');
        SpaceBatch.toBatch(x, block, out);
        return out;
    }

    @Override
    protected INDArray[] backward(LayerWorkspaceMgr workspaceMgr) {
        INDArray dx = workspaceMgr.createUninitialized(ArrayType.ACTIVATION_GRAD, epsilon.dataType(), inputs[0].shape(), 'c');
        SpaceBatch.toSpace(epsilon, block, dx);
        return new INDArray[] {dx};
    }

    @Override
    protected INDArray outputMask(INDArray[] maskArrays) {
        // the batch axis changes, so a per-example mask no longer lines up
        return null;
    }
}
