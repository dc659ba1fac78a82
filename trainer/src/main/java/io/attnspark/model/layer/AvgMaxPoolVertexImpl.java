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
 * Over the channels the mean and its gradient are per-example products with a row of 1/C ({@link ExampleBlocks}):
 * ND4J's reductions and broadcasts along the middle axis stride through the map at half the speed. The max is read at
 * the first maxima the forward pass finds, which backward reuses instead of searching again.
 */
@SuppressWarnings("overrides") // BaseGraphVertex's own setInputs(INDArray[]) vs the interface's varargs
public class AvgMaxPoolVertexImpl extends ParameterFreeVertexImpl {

    private final boolean overChannels;
    /** Where the last forward pass found each maximum along R, and of which input. */
    private long[] maxAt;
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
        if (overChannels) {
            channelMean(x, stacked);
        } else {
            stacked.get(NDArrayIndex.all(), NDArrayIndex.point(0), NDArrayIndex.all()).assign(x.mean(1));
        }
        maxAt = Nd4j.argMax(x, 1).reshape(-1).toLongVector();
        maxAtInput = inputs[0];
        gatherMaxima(x, view, stacked);
        return out;
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
        if (overChannels) {
            spreadOverChannels(epsMean, dxView);
        } else {
            // one value per row [N·C, H·W]
            RowOps.fill(dx.reshape('c', view[0], view[1]), RowOps.column(epsMean.div(view[1])));
        }
        if (maxAtInput != inputs[0]) {
            maxAt = Nd4j.argMax(x, 1).reshape(-1).toLongVector();
        }
        addAtFirstMaxima(view, epsMax, dx);
        return new INDArray[] {dx};
    }

    /** {@code stacked[n, 0, :] = (1/C) · ones[C] · x[n]}, chunk by chunk, for x [N, C, P]. */
    private static void channelMean(INDArray x, INDArray stacked) {
        long n = x.size(0);
        long c = x.size(1);
        INDArray rows = x.reshape('c', n * c, x.size(2));
        INDArray chunkMean = Nd4j.createUninitialized(x.dataType(), ExampleBlocks.CHUNK, x.size(2));
        for (long start = 0; start < n; start += ExampleBlocks.CHUNK) {
            long count = Math.min(ExampleBlocks.CHUNK, n - start);
            INDArray target = ExampleBlocks.chunk(chunkMean, 0, count);
            Nd4j.gemm(channelAveraging(count, c, x.dataType()), ExampleBlocks.exampleRows(rows, c, start, count), target,
                    false, false, 1.0, 0.0);
            // one index call: ND4J M2.1 returns an empty array for an interval of a view made with a point index
            stacked.get(NDArrayIndex.interval(start, start + count), NDArrayIndex.point(0), NDArrayIndex.all()).assign(target);
        }
    }

    /** {@code dx[n, c, :] = epsMean[n, :] / C} for every channel c: the transposed product of {@link #channelMean}. */
    private static void spreadOverChannels(INDArray epsMean, INDArray dxView) {
        long n = dxView.size(0);
        long c = dxView.size(1);
        INDArray dxRows = dxView.reshape('c', n * c, dxView.size(2));
        INDArray e = epsMean.dup('c');
        for (long start = 0; start < n; start += ExampleBlocks.CHUNK) {
            long count = Math.min(ExampleBlocks.CHUNK, n - start);
            Nd4j.gemm(channelAveraging(count, c, dxView.dataType()), ExampleBlocks.chunk(e, start, count),
                    ExampleBlocks.exampleRows(dxRows, c, start, count), true, false, 1.0, 0.0);
        }
    }

    /** [count, count·C], 1/C in each example's block: times a chunk's rows [count·C, P], the examples' channel means. */
    private static INDArray channelAveraging(long count, long channels, DataType dataType) {
        return ExampleBlocks.blockRows(Nd4j.valueArrayOf(new long[] {count, channels}, 1.0 / channels, dataType));
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
