package io.attnspark.model.layer;

import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.linalg.api.buffer.DataBuffer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.broadcast.BroadcastCopyOp;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * Runtime of {@link ChannelAvgMaxPoolVertex} and {@link GlobalAvgMaxPoolVertex}: the mean and the max of x over one
 * axis, stacked. x [N,C,H,W] is viewed as [A,R,B] with the pooled axis R in the middle (channels: [N,C,H*W];
 * spatial: [N*C,H*W,1]); the output, viewed as [A,2,B], holds the mean at 0 and the max at 1.
 * Backward: the mean's gradient spreads evenly over R; the max's goes to the first maximum only, as PyTorch's
 * {@code max(dim)} routes it to the index it returns.
 */
@SuppressWarnings("overrides") // BaseGraphVertex's own setInputs(INDArray[]) vs the interface's varargs
public class AvgMaxPoolVertexImpl extends ParameterFreeVertexImpl {

    private static final int[] OUTER = {0, 2};

    private final boolean overChannels;

    /** @param overChannels true to pool over the channels ([N,2,H,W]), false over the spatial positions ([N,C,1,2]) */
    public AvgMaxPoolVertexImpl(ComputationGraph graph, String name, int vertexIndex, DataType dataType, boolean overChannels) {
        super(graph, name, vertexIndex, dataType, "avg/max pool");
        this.overChannels = overChannels;
    }

    /** [A, R, B] with R the pooled axis */
    private long[] view(long[] x) {
        long spatial = x[2] * x[3];
        return overChannels ? new long[] {x[0], x[1], spatial} : new long[] {x[0] * x[1], spatial, 1};
    }

    private long[] outputShape(long[] x) {
        return overChannels ? new long[] {x[0], 2, x[2], x[3]} : new long[] {x[0], x[1], 1, 2};
    }

    @Override
    protected INDArray forward(boolean training, LayerWorkspaceMgr workspaceMgr) {
        long[] shape = inputs[0].shape();
        long[] view = view(shape);
        INDArray x = inputs[0].reshape('c', view);
        INDArray out = workspaceMgr.createUninitialized(ArrayType.ACTIVATIONS, x.dataType(), outputShape(shape), 'c');
        INDArray stacked = out.reshape('c', view[0], 2, view[2]);
        stacked.get(NDArrayIndex.all(), NDArrayIndex.point(0), NDArrayIndex.all()).assign(x.mean(1));
        stacked.get(NDArrayIndex.all(), NDArrayIndex.point(1), NDArrayIndex.all()).assign(x.max(1));
        return out;
    }

    @Override
    protected INDArray[] backward(LayerWorkspaceMgr workspaceMgr) {
        long[] shape = inputs[0].shape();
        long[] view = view(shape);
        INDArray x = inputs[0].reshape('c', view);
        INDArray eps = epsilon.reshape('c', view[0], 2, view[2]);
        INDArray epsMean = eps.get(NDArrayIndex.all(), NDArrayIndex.point(0), NDArrayIndex.all()).div(view[1]);
        INDArray epsMax = eps.get(NDArrayIndex.all(), NDArrayIndex.point(1), NDArrayIndex.all());

        INDArray dx = workspaceMgr.createUninitialized(ArrayType.ACTIVATION_GRAD, x.dataType(), shape, 'c');
        INDArray dxView = dx.reshape('c', view);
        Nd4j.getExecutioner().exec(new BroadcastCopyOp(dxView, epsMean, dxView, OUTER));
        addAtFirstMaxima(x, view, epsMax, dx);
        return new INDArray[] {dx};
    }

    /**
     * Adds the max's gradient [A, B] at the first maximum along R (IMax returns the first) of every (a, b), at the flat
     * position a·R·B + argmax·B + b of dx. A loop over dx's buffer: libnd4j's scatter_add on dx as rows [len, 1]
     * builds a sub-array per row of dx and took 5% of a ResNet-50 CBAM training step.
     */
    private static void addAtFirstMaxima(INDArray x, long[] view, INDArray epsMax, INDArray dx) {
        long[] maxAt = Nd4j.argMax(x, 1).reshape(-1).toLongVector();
        long columns = view[2];
        long rowLength = view[1] * columns;
        DataBuffer buffer = dx.data();
        long offset = dx.offset();
        // in double, then stored in dx's type: the same sum as float's own addition of two floats
        double[] gradient = epsMax.ravel().toDoubleVector();
        for (int i = 0; i < maxAt.length; i++) {
            long at = offset + i / columns * rowLength + maxAt[i] * columns + i % columns;
            buffer.put(at, buffer.getDouble(at) + gradient[i]);
        }
    }

    @Override
    protected INDArray outputMask(INDArray[] maskArrays) {
        // pooling removes the axes a CNN mask would describe
        return null;
    }

    @Override
    public String toString() {
        return "AvgMaxPoolVertexImpl(name=" + vertexName + ", overChannels=" + overChannels + ")";
    }
}
