package io.attnspark.model.layer;

import io.attnspark.model.layer.RowOps;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Runtime of {@link ChannelScaleVertex}: {@code out = x * gate} broadcast over H and W.
 * Backward: {@code dx = eps * gate} and {@code dgate[n,c] = sum over h,w of eps * x}, all as row ops on [N*C, H*W].
 */
@SuppressWarnings("overrides") // BaseGraphVertex's own setInputs(INDArray[]) vs the interface's varargs
public class ChannelScaleVertexImpl extends ParameterFreeVertexImpl implements ReadsGradientOnly {

    public ChannelScaleVertexImpl(ComputationGraph graph, String name, int vertexIndex, DataType dataType) {
        super(graph, name, vertexIndex, dataType, "channel scale");
    }

    @Override
    protected INDArray forward(boolean training, LayerWorkspaceMgr workspaceMgr) {
        INDArray x = RowOps.contiguous(inputs[0]);
        INDArray out = workspaceMgr.createUninitialized(ArrayType.ACTIVATIONS, x.dataType(), x.shape(), 'c');
        RowOps.multiply(RowOps.rows(x), gateColumn(), RowOps.rows(out));
        return out;
    }

    @Override
    protected INDArray[] backward(LayerWorkspaceMgr workspaceMgr) {
        INDArray xRows = RowOps.rows(RowOps.contiguous(inputs[0]));
        INDArray epsilonRows = RowOps.rows(RowOps.contiguous(epsilon));
        INDArray dx = workspaceMgr.createUninitialized(ArrayType.ACTIVATION_GRAD, epsilon.dataType(), epsilon.shape(), 'c');
        RowOps.multiply(epsilonRows, gateColumn(), RowOps.rows(dx));
        INDArray dGate = workspaceMgr.createUninitialized(ArrayType.ACTIVATION_GRAD, epsilon.dataType(),
                new long[] {xRows.size(0)}, 'c');
        RowOps.dot(epsilonRows, xRows, dGate);
        return new INDArray[] {dx, dGate.reshape('c', inputs[1].shape())};
    }

    /** The gate as the column [N*C, 1], whatever shape with C values per example it came as. */
    private INDArray gateColumn() {
        return PerChannelInput.column("channel scale", vertexName, "gate", inputs[0], inputs[1]);
    }
}
