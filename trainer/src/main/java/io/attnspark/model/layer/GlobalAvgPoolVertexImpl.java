package io.attnspark.model.layer;

import io.attnspark.model.layer.RowOps;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/** Runtime of {@link GlobalAvgPoolVertex}: forward the row means of [N*C, H*W]; backward each row filled with eps / (H*W). */
@SuppressWarnings("overrides") // BaseGraphVertex's own setInputs(INDArray[]) vs the interface's varargs
public class GlobalAvgPoolVertexImpl extends ParameterFreeVertexImpl {

    public GlobalAvgPoolVertexImpl(ComputationGraph graph, String name, int vertexIndex, DataType dataType) {
        super(graph, name, vertexIndex, dataType, "global average pool");
    }

    @Override
    protected INDArray forward(boolean training, LayerWorkspaceMgr workspaceMgr) {
        INDArray x = RowOps.contiguous(inputs[0]);
        INDArray out = workspaceMgr.createUninitialized(ArrayType.ACTIVATIONS, x.dataType(), new long[] {x.size(0), x.size(1)}, 'c');
        RowOps.mean(RowOps.rows(x), out);
        return out;
    }

    @Override
    protected INDArray[] backward(LayerWorkspaceMgr workspaceMgr) {
        INDArray x = inputs[0];
        INDArray dx = workspaceMgr.createUninitialized(ArrayType.ACTIVATION_GRAD, epsilon.dataType(), x.shape(), 'c');
        INDArray rows = RowOps.rows(dx);
        RowOps.fill(rows, RowOps.column(RowOps.contiguous(epsilon)).div(rows.size(1)));
        return new INDArray[] {dx};
    }
}
