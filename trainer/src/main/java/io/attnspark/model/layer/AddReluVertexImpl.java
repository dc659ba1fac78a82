package io.attnspark.model.layer;

import java.util.Arrays;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.graph.vertex.GraphVertex;
import org.deeplearning4j.nn.graph.vertex.VertexIndices;
import org.deeplearning4j.nn.graph.vertex.impl.LayerVertex;
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
    /** Whether both inputs may receive the one gradient array ({@link #mayShareGradient}), decided at the first backward. */
    private Boolean shareGradient;

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
        if (shareGradient == null) {
            shareGradient = mayShareGradient();
        }
        return new INDArray[] {da, shareGradient ? da : workspaceMgr.dup(ArrayType.ACTIVATION_GRAD, da)};
    }

    /**
     * Whether the branch and the shortcut may get the same gradient array instead of a copy each (a full map's copy per
     * block, 2% of a ResNet-50 step). DL4J adds an input's later gradients into the first array it got, in place, as it
     * walks the graph backwards; the shared array is safe when the branch's last vertex only reads its gradient
     * ({@link ReadsGradientOnly}: a batch norm, or an attention module's gate) and only this vertex consumes it, and
     * every other consumer of the shortcut comes after it in that walk (a ResNet block: conv1 feeds bn3, so bn3 is done
     * before conv1's gradient is added).
     */
    boolean mayShareGradient() {
        int branch = inputVertices[0].getVertexIndex();
        int shortcut = inputVertices[1].getVertexIndex();
        GraphVertex[] vertices = graph.getVertices();
        GraphVertex last = vertices[branch];
        Object reader = last instanceof LayerVertex layer ? layer.getLayer() : last;
        if (branch == shortcut || !(reader instanceof ReadsGradientOnly)
                || last.getOutputVertices() == null || last.getOutputVertices().length != 1) {
            return false;
        }
        int[] order = graph.topologicalSortOrder();
        int[] position = new int[order.length];
        for (int i = 0; i < order.length; i++) {
            position[order[i]] = i;
        }
        for (VertexIndices consumer : vertices[shortcut].getOutputVertices()) {
            // the backward walk runs from the last position to the first
            if (consumer.getVertexIndex() != getVertexIndex() && position[consumer.getVertexIndex()] > position[branch]) {
                return false;
            }
        }
        return true;
    }

    @Override
    public void clear() {
        super.clear();
        output = null;
    }
}
