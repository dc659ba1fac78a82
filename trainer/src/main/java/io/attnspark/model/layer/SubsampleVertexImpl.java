package io.attnspark.model.layer;

import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.NDArrayIndex;

/** Runtime of {@link SubsampleVertex}: the gradient goes back to the kept positions, zero elsewhere. */
@SuppressWarnings("overrides") // BaseGraphVertex's own setInputs(INDArray[]) vs the interface's varargs
public class SubsampleVertexImpl extends ParameterFreeVertexImpl {

    private final int step;

    public SubsampleVertexImpl(ComputationGraph graph, String name, int vertexIndex, DataType dataType, int step) {
        super(graph, name, vertexIndex, dataType, "subsample");
        this.step = step;
    }

    @Override
    protected INDArray forward(boolean training, LayerWorkspaceMgr workspaceMgr) {
        INDArray x = inputs[0];
        long[] shape = x.shape();
        INDArray out = workspaceMgr.createUninitialized(ArrayType.ACTIVATIONS, x.dataType(), new long[] {shape[0],
                shape[1], SpaceBatch.phaseSize(shape[2], step), SpaceBatch.phaseSize(shape[3], step)}, 'c');
        return out.assign(kept(x));
    }

    @Override
    protected INDArray[] backward(LayerWorkspaceMgr workspaceMgr) {
        INDArray dx = workspaceMgr.create(ArrayType.ACTIVATION_GRAD, epsilon.dataType(), inputs[0].shape(), 'c');
        kept(dx).assign(epsilon);
        return new INDArray[] {dx};
    }

    private INDArray kept(INDArray map) {
        return map.get(NDArrayIndex.all(), NDArrayIndex.all(), NDArrayIndex.interval(0, step, map.size(2)),
                NDArrayIndex.interval(0, step, map.size(3)));
    }
}
