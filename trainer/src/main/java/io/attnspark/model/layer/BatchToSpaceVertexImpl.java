package io.attnspark.model.layer;

import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/** Runtime of {@link BatchToSpaceVertex}; its gradient is the forward rearrangement, zero where the map was padded. */
@SuppressWarnings("overrides") // BaseGraphVertex's own setInputs(INDArray[]) vs the interface's varargs
public class BatchToSpaceVertexImpl extends ParameterFreeVertexImpl {

    private final int block;
    private final long height;
    private final long width;

    public BatchToSpaceVertexImpl(ComputationGraph graph, String name, int vertexIndex, DataType dataType, int block,
            long height, long width) {
        super(graph, name, vertexIndex, dataType, "batch to space");
        this.block = block;
        this.height = height;
        this.width = width;
    }

    @Override
    protected INDArray forward(boolean training, LayerWorkspaceMgr workspaceMgr) {
        INDArray phases = inputs[0];
        long images = phases.size(0) / ((long) block * block);
        INDArray out = workspaceMgr.createUninitialized(ArrayType.ACTIVATIONS, phases.dataType(),
                new long[] {images, phases.size(1), height, width}, 'c');
        SpaceBatch.toSpace(phases, block, out);
        return out;
    }

    @Override
    protected INDArray[] backward(LayerWorkspaceMgr workspaceMgr) {
        INDArray dPhases = workspaceMgr.createUninitialized(ArrayType.ACTIVATION_GRAD, epsilon.dataType(),
                inputs[0].shape(), 'c');
        SpaceBatch.toBatch(epsilon, block, dPhases);
        return new INDArray[] {dPhases};
    }

    @Override
    protected INDArray outputMask(INDArray[] maskArrays) {
        return null;
    }
}
