package io.attnspark.model.layer;

import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.linalg.api.buffer.DataBuffer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * Runtime of {@link ChannelAvgMaxPoolVertex} and {@link GlobalAvgMaxPoolVertex}: the mean and the max of x over one
 * axis, stacked. x [N,C,H,W] is viewed as [A,R,B] with the pooled axis R in the middle (channels: [N,C,H*W];
 * spatial: [N*C,H*W,1]); the output, viewed as [A,2,B], holds the mean at 0 and the max at 1.
 * Backward: the mean's gradient spreads evenly over R; the max's goes to the first maximum only, as PyTorch's
 * {@code max(dim)} routes it to the index it returns.
 * Over the channels the mean and its gradient are per-example products with a row of 1/C: ND4J's reductions and
 * broadcasts along the middle axis stride through the map at half the speed. Over the positions the mean is a row mean
 * ({@link RowOps}). The max is read at
 * the first maxima the forward pass finds, which backward reuses instead of searching again.
 */
@SuppressWarnings("overrides") // BaseGraphVertex's own setInputs(INDArray[]) vs the interface's varargs
public class AvgMaxPoolVertexImpl extends ParameterFreeVertexImpl {

    private final boolean overChannels;
    /** Where the last forward pass found each maximum along R (in ND4J or in oneDNN's record), and of which input. */
    private long[] maxAt;
    private OneDnnChannelPooling.Maxima maxima;
    private INDArray maxAtInput;

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
        INDArray input = RowOps.contiguous(inputs[0]);
        long[] view = view(input.shape());
        INDArray x = input.reshape('c', view);
        INDArray out = workspaceMgr.createUninitialized(ArrayType.ACTIVATIONS, x.dataType(), outputShape(input.shape()), 'c');
        INDArray stacked = out.reshape('c', view[0], 2, view[2]);
        maxAtInput = inputs[0];
        if (overChannels && OneDnn.takes(x)) {
            poolOnOneDnn(x, stacked);
            return out;
        }
        if (overChannels) {
            channelMean(x, stacked);
        } else {
            INDArray means = Nd4j.createUninitialized(x.dataType(), view[0]);
            RowOps.mean(x.reshape('c', view[0], view[1]), means);
            stacked.get(NDArrayIndex.all(), NDArrayIndex.point(0), NDArrayIndex.all()).assign(means.reshape(view[0], 1));
        }
        maxAt = Nd4j.argMax(x, 1).reshape(-1).toLongVector();
        gatherMaxima(x, view, stacked);
        return out;
    }

    /** Both halves of {@code stacked} [N, 2, P] from x [N, C, P] by {@link OneDnnChannelPooling}. */
    private void poolOnOneDnn(INDArray x, INDArray stacked) {
        long[] pooled = {x.size(0), 1, x.size(2)};
        INDArray means = Nd4j.createUninitialized(x.dataType(), pooled);
        INDArray maximum = Nd4j.createUninitialized(x.dataType(), pooled);
        OneDnnChannelPooling.mean(x, means);
        maxima = OneDnnChannelPooling.max(x, maximum, maxima);
        maxAt = null;
        stacked.get(NDArrayIndex.all(), NDArrayIndex.interval(0, 1), NDArrayIndex.all()).assign(means);
        stacked.get(NDArrayIndex.all(), NDArrayIndex.interval(1, 2), NDArrayIndex.all()).assign(maximum);
    }

    @Override
    protected INDArray[] backward(LayerWorkspaceMgr workspaceMgr) {
        INDArray input = RowOps.contiguous(inputs[0]);
        long[] shape = input.shape();
        long[] view = view(shape);
        INDArray x = input.reshape('c', view);
        INDArray eps = RowOps.contiguous(epsilon).reshape('c', view[0], 2, view[2]);
        INDArray epsMean = eps.get(NDArrayIndex.all(), NDArrayIndex.point(0), NDArrayIndex.all());
        INDArray epsMax = eps.get(NDArrayIndex.all(), NDArrayIndex.point(1), NDArrayIndex.all());

        INDArray dx = workspaceMgr.createUninitialized(ArrayType.ACTIVATION_GRAD, x.dataType(), shape, 'c');
        INDArray dxView = dx.reshape('c', view);
        if (overChannels && OneDnn.takes(x, dx)) {
            if (maxAtInput != inputs[0] || maxima == null) {
                poolOnOneDnn(x, Nd4j.createUninitialized(x.dataType(), view[0], 2, view[2]));
                maxAtInput = inputs[0];
            }
            // the max's gradient at the maxima, zero elsewhere; then the mean's share everywhere
            OneDnnChannelPooling.maxBackward(epsMax.reshape(view[0], 1, view[2]).dup('c'), maxima, dxView);
            OneDnnRowOps.addMap(dxView, epsMean.div(view[1]).reshape(view[0], 1, view[2]).dup('c'), dxView);
            return new INDArray[] {dx};
        }
        if (overChannels) {
            spreadOverChannels(epsMean, dxView);
        } else {
            // one value per row [N·C, H·W]
            RowOps.fill(dx.reshape('c', view[0], view[1]), RowOps.column(epsMean.div(view[1])));
        }
        if (maxAtInput != inputs[0] || maxAt == null) {
            maxAt = Nd4j.argMax(x, 1).reshape(-1).toLongVector();
            maxAtInput = inputs[0];
        }
        addAtFirstMaxima(view, epsMax, dx);
        return new INDArray[] {dx};
    }

    /**
     * {@code stacked[n, 0, :] = (1/C) · ones[C] · x[n]} per example, for x [N, C, P]. A block-diagonal product over
     * chunks of examples did CHUNK times the arithmetic, and building its matrix took as long again.
     */
    private static void channelMean(INDArray x, INDArray stacked) {
        long n = x.size(0);
        long c = x.size(1);
        long positions = x.size(2);
        INDArray rows = x.reshape('c', n * c, positions);
        INDArray means = stacked.reshape('c', n, 2 * positions);
        INDArray averaging = averagingRow(c, x.dataType());
        for (long example = 0; example < n; example++) {
            Nd4j.gemm(averaging, ExampleBlocks.exampleRows(rows, c, example, 1),
                    means.get(NDArrayIndex.interval(example, example + 1), NDArrayIndex.interval(0, positions)),
                    false, false, 1.0, 0.0);
        }
    }

    /** {@code dx[n, c, :] = epsMean[n, :] / C} for every channel c: the transposed product of {@link #channelMean}. */
    private static void spreadOverChannels(INDArray epsMean, INDArray dxView) {
        long n = dxView.size(0);
        long c = dxView.size(1);
        INDArray dxRows = dxView.reshape('c', n * c, dxView.size(2));
        INDArray e = epsMean.dup('c');
        INDArray averaging = averagingRow(c, dxView.dataType());
        for (long example = 0; example < n; example++) {
            Nd4j.gemm(averaging, ExampleBlocks.chunk(e, example, 1), ExampleBlocks.exampleRows(dxRows, c, example, 1),
                    true, false, 1.0, 0.0);
        }
    }

    /** [1, C] of 1/C. */
    private static INDArray averagingRow(long channels, DataType dataType) {
        return Nd4j.valueArrayOf(new long[] {1, channels}, 1.0 / channels, dataType);
    }

    /** The values at {@link #maxAt} into the max half of the output [A, 2, B]. */
    private void gatherMaxima(INDArray x, long[] view, INDArray stacked) {
        long columns = view[2];
        long rowLength = view[1] * columns;
        DataBuffer from = x.data();
        DataBuffer to = stacked.data();
        for (int i = 0; i < maxAt.length; i++) {
            long a = i / columns;
            long b = i % columns;
            to.put(stacked.offset() + (2 * a + 1) * columns + b,
                    from.getDouble(x.offset() + a * rowLength + maxAt[i] * columns + b));
        }
    }

    /**
     * Adds the max's gradient [A, B] at the first maximum along R (IMax returns the first) of every (a, b), at the flat
     * position a·R·B + argmax·B + b of dx. A loop over dx's buffer: libnd4j's scatter_add on dx as rows [len, 1]
     * builds a sub-array per row of dx and took 5% of a ResNet-50 CBAM training step.
     */
    private void addAtFirstMaxima(long[] view, INDArray epsMax, INDArray dx) {
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
