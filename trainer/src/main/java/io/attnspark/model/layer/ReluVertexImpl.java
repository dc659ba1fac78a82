package io.attnspark.model.layer;

import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Runtime of {@link ReluVertex}: {@code out = max(x, 0)}; backward {@code dx = eps * (x > 0)}, torch's
 * {@code threshold_backward} (x > 0 exactly where the output is).
 */
@SuppressWarnings("overrides") // BaseGraphVertex's own setInputs(INDArray[]) vs the interface's varargs
public class ReluVertexImpl extends ParameterFreeVertexImpl {

    public ReluVertexImpl(ComputationGraph graph, String name, int vertexIndex, DataType dataType) {
        super(graph, name, vertexIndex, dataType, "relu");
    }

    @Override
    protected INDArray forward(boolean training, LayerWorkspaceMgr workspaceMgr) {
        INDArray x = inputs[0];
        INDArray out = workspaceMgr.createUninitialized(ArrayType.ACTIVATIONS, x.dataType(), x.shape(), 'c');
        Relu.forward(x, out);
        return out;
    }

    @Override
    protected INDArray[] backward(LayerWorkspaceMgr workspaceMgr) {
        INDArray dx = workspaceMgr.createUninitialized(ArrayType.ACTIVATION_GRAD, epsilon.dataType(), epsilon.shape(), 'c');
        Relu.backward(inputs[0], epsilon, dx);
        return new INDArray[] {dx};
    }
}
