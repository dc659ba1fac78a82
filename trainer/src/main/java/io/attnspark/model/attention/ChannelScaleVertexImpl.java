package io.attnspark.model.attention;


import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.broadcast.BroadcastMulOp;
import org.nd4j.linalg.api.ops.impl.transforms.pairwise.arithmetic.MulOp;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Runtime of {@link ChannelScaleVertex}: {@code out = x * gate} broadcast over H and W.
 * Backward: {@code dx = eps * gate} and {@code dgate[n,c] = sum over h,w of eps * x}.
 */
@SuppressWarnings("overrides") // BaseGraphVertex's own setInputs(INDArray[]) vs the interface's varargs
public class ChannelScaleVertexImpl extends ParameterFreeVertexImpl {

    private static final int[] BATCH_AND_CHANNEL = {0, 1};
    private static final int[] SPATIAL = {2, 3};

    public ChannelScaleVertexImpl(ComputationGraph graph, String name, int vertexIndex, DataType dataType) {
        super(graph, name, vertexIndex, dataType, "channel scale");
    }

    @Override
    protected INDArray forward(boolean training, LayerWorkspaceMgr workspaceMgr) {
        INDArray x = inputs[0];
        INDArray out = workspaceMgr.createUninitialized(ArrayType.ACTIVATIONS, x.dataType(), x.shape(), 'c');
        Nd4j.getExecutioner().exec(new BroadcastMulOp(x, gateMatrix(), out, BATCH_AND_CHANNEL));
        return out;
    }

    @Override
    protected INDArray[] backward(LayerWorkspaceMgr workspaceMgr) {
        INDArray x = inputs[0];
        INDArray dx = workspaceMgr.createUninitialized(ArrayType.ACTIVATION_GRAD, epsilon.dataType(), epsilon.shape(), 'c');
        Nd4j.getExecutioner().exec(new BroadcastMulOp(epsilon, gateMatrix(), dx, BATCH_AND_CHANNEL));

        INDArray epsTimesX = workspaceMgr.createUninitialized(ArrayType.BP_WORKING_MEM, epsilon.dataType(), epsilon.shape(), 'c');
        Nd4j.getExecutioner().exec(new MulOp(epsilon, x, epsTimesX));
        INDArray dGate = workspaceMgr.createUninitialized(ArrayType.ACTIVATION_GRAD, epsilon.dataType(),
                new long[] {x.size(0), x.size(1)}, 'c');
        epsTimesX.sum(dGate, SPATIAL);
        return new INDArray[] {dx, dGate.reshape('c', inputs[1].shape())};
    }

    /** The gate as [N, C], whatever shape with C values per example it came as. */
    private INDArray gateMatrix() {
        return PerChannelInput.matrix("channel scale", vertexName, "gate", inputs[0], inputs[1]);
    }
}
