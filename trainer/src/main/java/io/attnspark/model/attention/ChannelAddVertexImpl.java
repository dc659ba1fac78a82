package io.attnspark.model.attention;


import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.broadcast.BroadcastAddOp;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Runtime of {@link ChannelAddVertex}: {@code out = x + term} broadcast over H and W.
 * Backward: {@code dx = eps} and {@code dterm[n,c] = sum over h,w of eps}.
 */
@SuppressWarnings("overrides") // BaseGraphVertex's own setInputs(INDArray[]) vs the interface's varargs
public class ChannelAddVertexImpl extends ParameterFreeVertexImpl {

    private static final int[] BATCH_AND_CHANNEL = {0, 1};
    private static final int[] SPATIAL = {2, 3};

    public ChannelAddVertexImpl(ComputationGraph graph, String name, int vertexIndex, DataType dataType) {
        super(graph, name, vertexIndex, dataType, "channel add");
    }

    @Override
    protected INDArray forward(boolean training, LayerWorkspaceMgr workspaceMgr) {
        INDArray x = inputs[0];
        INDArray out = workspaceMgr.createUninitialized(ArrayType.ACTIVATIONS, x.dataType(), x.shape(), 'c');
        Nd4j.getExecutioner().exec(new BroadcastAddOp(x, termMatrix(), out, BATCH_AND_CHANNEL));
        return out;
    }

    @Override
    protected INDArray[] backward(LayerWorkspaceMgr workspaceMgr) {
        INDArray x = inputs[0];
        INDArray dx = workspaceMgr.createUninitialized(ArrayType.ACTIVATION_GRAD, epsilon.dataType(), epsilon.shape(), 'c');
        dx.assign(epsilon);
        INDArray dTerm = workspaceMgr.createUninitialized(ArrayType.ACTIVATION_GRAD, epsilon.dataType(),
                new long[] {x.size(0), x.size(1)}, 'c');
        epsilon.sum(dTerm, SPATIAL);
        return new INDArray[] {dx, dTerm.reshape('c', inputs[1].shape())};
    }

    /** The term as [N, C], whatever shape with C values per example it came as. */
    private INDArray termMatrix() {
        return PerChannelInput.matrix("channel add", vertexName, "term", inputs[0], inputs[1]);
    }
}
