package io.attnspark.model.layer;

import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * Runtime of {@link RadixSumVertex}: forward {@code out = Σ_r x_r}, backward {@code dx_r = eps} for every radix
 * part r (channels {@code [r·C, (r+1)·C)}).
 */
@SuppressWarnings("overrides") // BaseGraphVertex's own setInputs(INDArray[]) vs the interface's varargs
public class RadixSumVertexImpl extends ParameterFreeVertexImpl {

    private final int radix;

    public RadixSumVertexImpl(ComputationGraph graph, String name, int vertexIndex, DataType dataType, int radix) {
        super(graph, name, vertexIndex, dataType, "radix sum");
        this.radix = radix;
    }

    @Override
    protected INDArray forward(boolean training, LayerWorkspaceMgr workspaceMgr) {
        INDArray x = inputs[0];
        long channels = x.size(1) / radix;
        INDArray out = workspaceMgr.createUninitialized(ArrayType.ACTIVATIONS, x.dataType(),
                new long[] {x.size(0), channels, x.size(2), x.size(3)}, 'c');
        out.assign(part(x, 0, channels));
        for (int r = 1; r < radix; r++) {
            out.addi(part(x, r, channels));
        }
        return out;
    }

    @Override
    protected INDArray[] backward(LayerWorkspaceMgr workspaceMgr) {
        INDArray x = inputs[0];
        long channels = x.size(1) / radix;
        INDArray dx = workspaceMgr.createUninitialized(ArrayType.ACTIVATION_GRAD, epsilon.dataType(), x.shape(), 'c');
        for (int r = 0; r < radix; r++) {
            part(dx, r, channels).assign(epsilon);
        }
        return new INDArray[] {dx};
    }

    private static INDArray part(INDArray array, int r, long channels) {
        return array.get(NDArrayIndex.all(), NDArrayIndex.interval(r * channels, (r + 1) * channels), NDArrayIndex.all(),
                NDArrayIndex.all());
    }
}
