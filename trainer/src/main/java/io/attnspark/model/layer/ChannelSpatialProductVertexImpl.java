package io.attnspark.model.layer;

import java.util.Arrays;

import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Runtime of {@link ChannelSpatialProductVertex}: {@code out[n,c,h,w] = a[n,c] · s[n,0,h,w]}.
 * Backward: {@code da[n,c] = sum over h,w of eps · s} and {@code ds[n,0,h,w] = sum over c of eps · a}.
 * Per example these are matrix products with the map as [C, H·W]: the outer product {@code a[n] s[n]ᵀ} and the
 * products {@code eps[n] s[n]} and {@code a[n]ᵀ eps[n]}, each one pass over the map, where ND4J's broadcasts and its
 * sum over the channels stride through it.
 */
@SuppressWarnings("overrides") // BaseGraphVertex's own setInputs(INDArray[]) vs the interface's varargs
public class ChannelSpatialProductVertexImpl extends ParameterFreeVertexImpl {

    public ChannelSpatialProductVertexImpl(ComputationGraph graph, String name, int vertexIndex, DataType dataType) {
        super(graph, name, vertexIndex, dataType, "channel-spatial product");
    }

    @Override
    protected INDArray forward(boolean training, LayerWorkspaceMgr workspaceMgr) {
        INDArray a = channels();
        INDArray s = spatialMap();
        long channels = a.size(1);
        INDArray out = workspaceMgr.createUninitialized(ArrayType.ACTIVATIONS, s.dataType(),
                new long[] {s.size(0), channels, inputs[1].size(2), inputs[1].size(3)}, 'c');
        INDArray outRows = out.reshape('c', s.size(0) * channels, s.size(1));
        for (long n = 0; n < s.size(0); n++) {
            Nd4j.gemm(ExampleBlocks.chunk(a, n, 1), ExampleBlocks.chunk(s, n, 1),
                    ExampleBlocks.exampleRows(outRows, channels, n, 1), true, false, 1.0, 0.0);
        }
        return out;
    }

    @Override
    protected INDArray[] backward(LayerWorkspaceMgr workspaceMgr) {
        INDArray a = channels();
        INDArray s = spatialMap();
        long channels = a.size(1);
        INDArray eps = RowOps.contiguous(epsilon).reshape('c', s.size(0) * channels, s.size(1));
        INDArray da = workspaceMgr.createUninitialized(ArrayType.ACTIVATION_GRAD, epsilon.dataType(), a.shape(), 'c');
        INDArray ds = workspaceMgr.createUninitialized(ArrayType.ACTIVATION_GRAD, epsilon.dataType(), s.shape(), 'c');
        for (long n = 0; n < s.size(0); n++) {
            INDArray exampleEps = ExampleBlocks.exampleRows(eps, channels, n, 1);
            Nd4j.gemm(ExampleBlocks.chunk(s, n, 1), exampleEps, ExampleBlocks.chunk(da, n, 1), false, true, 1.0, 0.0);
            Nd4j.gemm(ExampleBlocks.chunk(a, n, 1), exampleEps, ExampleBlocks.chunk(ds, n, 1), false, false, 1.0, 0.0);
        }
        return new INDArray[] {da.reshape('c', inputs[0].shape()), ds.reshape('c', inputs[1].shape())};
    }

    /** a as [N, C] */
    private INDArray channels() {
        INDArray a = RowOps.contiguous(inputs[0]);
        return a.reshape('c', a.size(0), a.length() / a.size(0));
    }

    /** s as [N, H·W] */
    private INDArray spatialMap() {
        INDArray s = inputs[1];
        if (s.rank() != 4 || s.size(1) != 1 || s.size(0) != inputs[0].size(0)) {
            throw new IllegalStateException("channel-spatial product " + vertexName + ": spatial map "
                    + Arrays.toString(s.shape()) + " is not [N,1,H,W] for a " + Arrays.toString(inputs[0].shape()));
        }
        return RowOps.contiguous(s).reshape('c', s.size(0), s.size(2) * s.size(3));
    }

    @Override
    protected INDArray outputMask(INDArray[] maskArrays) {
        // the output has the spatial shape of s, so its mask (if any) still applies
        return maskArrays == null ? null : maskArrays[1];
    }
}
