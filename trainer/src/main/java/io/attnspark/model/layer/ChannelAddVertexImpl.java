package io.attnspark.model.layer;

import io.attnspark.model.layer.RowOps;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Runtime of {@link ChannelAddVertex}: {@code out = x + term} broadcast over H and W.
 * Backward: {@code dx = eps} and {@code dterm[n,c] = sum over h,w of eps}, as row ops on [N*C, H*W].
 */
@SuppressWarnings("overrides") // BaseGraphVertex's own setInputs(INDArray[]) vs the interface's varargs
public class ChannelAddVertexImpl extends ParameterFreeVertexImpl {

    public ChannelAddVertexImpl(ComputationGraph graph, String name, int vertexIndex, DataType dataType) {
        super(graph, name, vertexIndex, dataType, "channel add");
    }

    @Override
    protected INDArray forward(boolean training, LayerWorkspaceMgr workspaceMgr) {
        INDArray x = RowOps.contiguous(inputs[0]);
        INDArray out = workspaceMgr.createUninitialized(ArrayType.ACTIVATIONS, x.dataType(), x.shape(), 'c');
        RowOps.add(RowOps.rows(x), termColumn(), RowOps.rows(out));
        return out;
    }

    @Override
    protected INDArray[] backward(LayerWorkspaceMgr workspaceMgr) {
        INDArray dx = workspaceMgr.createUninitialized(ArrayType.ACTIVATION_GRAD, epsilon.dataType(), epsilon.shape(), 'c');
        dx.assign(epsilon);
        INDArray dTerm = workspaceMgr.createUninitialized(ArrayType.ACTIVATION_GRAD, epsilon.dataType(),
                new long[] {inputs[0].size(0) * inputs[0].size(1)}, 'c');
        RowOps.sum(RowOps.rows(dx), dTerm);
        return new INDArray[] {dx, dTerm.reshape('c', inputs[1].shape())};
    }

    /** The term as the column [N*C, 1], whatever shape with C values per example it came as. */
    private INDArray termColumn() {
        return PerChannelInput.column("channel add", vertexName, "term", inputs[0], inputs[1]);
    }
}
