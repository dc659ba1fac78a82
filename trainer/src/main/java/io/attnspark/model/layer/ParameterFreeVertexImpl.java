package io.attnspark.model.layer;

import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.api.MaskState;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.graph.vertex.BaseGraphVertex;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Runtime side shared by this package's vertices without parameters: no layer, no gradient view, the input checks
 * before each pass, and the output mask. Subclasses hold only their math in {@link #forward} and {@link #backward}.
 */
@SuppressWarnings("overrides") // BaseGraphVertex's own setInputs(INDArray[]) vs the interface's varargs
public abstract class ParameterFreeVertexImpl extends BaseGraphVertex {

    /** What the vertex does, in lower case, to start its error messages (e.g. "channel scale") */
    private final String operation;

    protected ParameterFreeVertexImpl(ComputationGraph graph, String name, int vertexIndex, DataType dataType,
            String operation) {
        super(graph, name, vertexIndex, null, null, dataType);
        this.operation = operation;
    }

    /** The output, from {@code inputs}, in an {@code ACTIVATIONS} array. */
    protected abstract INDArray forward(boolean training, LayerWorkspaceMgr workspaceMgr);

    /** The gradients of the inputs, in their order, from {@code inputs} and {@code epsilon}. */
    protected abstract INDArray[] backward(LayerWorkspaceMgr workspaceMgr);

    /** The mask of the output: by default that of the first input, whose shape the output keeps. */
    protected INDArray outputMask(INDArray[] maskArrays) {
        return maskArrays == null ? null : maskArrays[0];
    }

    @Override
    public boolean hasLayer() {
        return false;
    }

    @Override
    public Layer getLayer() {
        return null;
    }

    @Override
    public INDArray doForward(boolean training, LayerWorkspaceMgr workspaceMgr) {
        if (!canDoForward()) {
            throw new IllegalStateException(operation + " " + vertexName + ": cannot do forward pass, inputs not set");
        }
        return forward(training, workspaceMgr);
    }

    @Override
    public Pair<Gradient, INDArray[]> doBackward(boolean tbptt, LayerWorkspaceMgr workspaceMgr) {
        if (!canDoBackward()) {
            throw new IllegalStateException(operation + " " + vertexName + ": cannot do backward pass, errors not set");
        }
        // no parameters, so no parameter gradient
        return new Pair<>(null, backward(workspaceMgr));
    }

    @Override
    public void setBackpropGradientsViewArray(INDArray backpropGradientsViewArray) {
        if (backpropGradientsViewArray != null) {
            throw new IllegalStateException(operation + " " + vertexName + " has no parameters, so no gradient view");
        }
    }

    @Override
    public Pair<INDArray, MaskState> feedForwardMaskArrays(INDArray[] maskArrays, MaskState currentMaskState, int minibatchSize) {
        return new Pair<>(outputMask(maskArrays), currentMaskState);
    }

    @Override
    public String toString() {
        return getClass().getSimpleName() + "(name=" + vertexName + ")";
    }
}
