package io.attnspark.model.layer;

import java.util.Arrays;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Runtime of {@link AddReluVertex}: {@code out = max(a + b, 0)}; backward {@code da = db = eps * (out > 0)}, torch's
 * {@code threshold_backward} on the ReLU's output.
 */
@SuppressWarnings("overrides") // BaseGraphVertex's own setInputs(INDArray[]) vs the interface's varargs
public class AddReluVertexImpl extends ParameterFreeVertexImpl {

    /** The training forward pass's output, whose positive entries pass the gradient. */
    private INDArray output;

    public AddReluVertexImpl(ComputationGraph graph, String name, int vertexIndex, DataType dataType) {
        super(graph, name, vertexIndex, dataType, "add + relu");
    }

    @Override
    protected INDArray forward(boolean training, LayerWorkspaceMgr workspaceMgr) {
        INDArray a = inputs[0];
        INDArray b = inputs[1];
        if (!a.equalShapes(b)) {
            throw new IllegalArgumentException("add + relu " + vertexName + ": inputs of shapes "
                    + Arrays.toString(a.shape()) + " and " + Arrays.toString(b.shape()));
        }
        INDArray out = workspaceMgr.createUninitialized(ArrayType.ACTIVATIONS, a.dataType(), a.shape(), 'c');
        Relu.sum(a, b, out);
        output = training ? out : null;
        return out;
    }

    @Override
    protected INDArray[] backward(LayerWorkspaceMgr workspaceMgr) {
        if (output == null) {
            throw new IllegalStateException("add + relu " + vertexName + ": backward without a training forward pass");
        }
        INDArray da = workspaceMgr.createUninitialized(ArrayType.ACTIVATION_GRAD, epsilon.dataType(), epsilon.shape(), 'c');
        Relu.backward(output, epsilon, da);
        // each input its own array: DL4J adds later gradients of an input into the array in place
        return new INDArray[] {da, workspaceMgr.dup(ArrayType.ACTIVATION_GRAD, da)};
    }

    @Override
    public void clear() {
        super.clear();
        output = null;
    }
}
