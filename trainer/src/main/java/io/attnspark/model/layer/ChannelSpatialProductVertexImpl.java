package io.attnspark.model.layer;

import java.util.Arrays;

import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.broadcast.BroadcastCopyOp;
import org.nd4j.linalg.api.ops.impl.broadcast.BroadcastMulOp;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Runtime of {@link ChannelSpatialProductVertex}: {@code out[n,c,h,w] = a[n,c] · s[n,0,h,w]}.
 * Backward: {@code da[n,c] = sum over h,w of eps · s} and {@code ds[n,0,h,w] = sum over c of eps · a}.
 */
@SuppressWarnings("overrides") // BaseGraphVertex's own setInputs(INDArray[]) vs the interface's varargs
public class ChannelSpatialProductVertexImpl extends ParameterFreeVertexImpl {

    private static final int[] BATCH_AND_CHANNEL = {0, 1};
    private static final int[] BATCH_AND_SPATIAL = {0, 2, 3};

    public ChannelSpatialProductVertexImpl(ComputationGraph graph, String name, int vertexIndex, DataType dataType) {
        super(graph, name, vertexIndex, dataType, "channel-spatial product");
    }

    @Override
    protected INDArray forward(boolean training, LayerWorkspaceMgr workspaceMgr) {
        INDArray a = channels();
        INDArray s = spatialMap();
        INDArray out = workspaceMgr.createUninitialized(ArrayType.ACTIVATIONS, s.dataType(),
                new long[] {s.size(0), a.size(1), s.size(1), s.size(2)}, 'c');
        Nd4j.getExecutioner().exec(new BroadcastCopyOp(out, s, out, BATCH_AND_SPATIAL));
        Nd4j.getExecutioner().exec(new BroadcastMulOp(out, a, out, BATCH_AND_CHANNEL));
        return out;
    }

    @Override
    protected INDArray[] backward(LayerWorkspaceMgr workspaceMgr) {
        INDArray a = channels();
        INDArray s = spatialMap();
        INDArray product = workspaceMgr.createUninitialized(ArrayType.BP_WORKING_MEM, epsilon.dataType(), epsilon.shape(), 'c');

        Nd4j.getExecutioner().exec(new BroadcastMulOp(epsilon, s, product, BATCH_AND_SPATIAL));
        INDArray da = workspaceMgr.createUninitialized(ArrayType.ACTIVATION_GRAD, epsilon.dataType(), a.shape(), 'c');
        product.sum(da, 2, 3);

        Nd4j.getExecutioner().exec(new BroadcastMulOp(epsilon, a, product, BATCH_AND_CHANNEL));
        INDArray ds = workspaceMgr.createUninitialized(ArrayType.ACTIVATION_GRAD, epsilon.dataType(), s.shape(), 'c');
        product.sum(ds, 1);

        return new INDArray[] {da.reshape('c', inputs[0].shape()), ds.reshape('c', inputs[1].shape())};
    }

    /** a as [N, C] */
    private INDArray channels() {
        INDArray a = inputs[0];
        return a.rank() == 2 ? a : a.reshape('c', a.size(0), a.length() / a.size(0));
    }

    /** s as [N, H, W] */
    private INDArray spatialMap() {
        INDArray s = inputs[1];
        if (s.rank() != 4 || s.size(1) != 1 || s.size(0) != inputs[0].size(0)) {
            throw new IllegalStateException("channel-spatial product " + vertexName + ": spatial map "
                    + Arrays.toString(s.shape()) + " is not [N,1,H,W] for a " + Arrays.toString(inputs[0].shape()));
        }
        return s.reshape('c', s.size(0), s.size(2), s.size(3));
    }

    @Override
    protected INDArray outputMask(INDArray[] maskArrays) {
        // the output has the spatial shape of s, so its mask (if any) still applies
        return maskArrays == null ? null : maskArrays[1];
    }
}
