package io.attnspark.model.layer;

import java.util.Arrays;

import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.inputs.InvalidInputTypeException;
import org.deeplearning4j.nn.conf.memory.MemoryReport;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Configuration of GCNet's attention pooling: {@code context[n,c] = sum over positions p of x[n,c,p] * a[n,p]} with
 * {@code a[n,.] = softmax over all H*W positions of logits[n,0,.]}. DL4J has no built-in weighted spatial sum.
 * Inputs, in order: {@code x} (NCHW convolutional, C channels) and the logits (NCHW convolutional, 1 channel, same H
 * and W, e.g. a 1×1 convolution C→1). The output is feed-forward [N,C].
 * It has no fields, so its JSON is just its class name.
 */
public class AttentionPoolVertex extends ParameterFreeVertex {

    @Override
    protected int inputCount() {
        return 2;
    }

    @Override
    public org.deeplearning4j.nn.graph.vertex.GraphVertex instantiate(ComputationGraph graph, String name, int idx,
            INDArray paramsView, boolean initializeParams, DataType networkDatatype) {
        return new AttentionPoolVertexImpl(graph, name, idx, networkDatatype);
    }

    @Override
    public InputType getOutputType(int layerIndex, InputType... vertexInputs) throws InvalidInputTypeException {
        if (vertexInputs.length != 2 || !(vertexInputs[0] instanceof InputType.InputTypeConvolutional x)
                || !(vertexInputs[1] instanceof InputType.InputTypeConvolutional logits)
                || x.getFormat() != CNN2DFormat.NCHW || logits.getFormat() != CNN2DFormat.NCHW) {
            throw new InvalidInputTypeException("attention pool: inputs must be x and its logits, both NCHW convolutional"
                    + " activations; got " + Arrays.toString(vertexInputs));
        }
        if (logits.getChannels() != 1 || logits.getHeight() != x.getHeight() || logits.getWidth() != x.getWidth()) {
            throw new InvalidInputTypeException("attention pool: the logits must have 1 channel and the H×W of x ("
                    + x.getHeight() + "×" + x.getWidth() + "); got " + logits);
        }
        return InputType.feedForward(x.getChannels());
    }

    @Override
    public MemoryReport getMemoryReport(InputType... inputTypes) {
        InputType out = getOutputType(-1, inputTypes);
        // working memory: the softmax weights, one per position
        long positions = inputTypes[1].arrayElementsPerExample();
        return memoryReport(inputTypes[0], out, positions, positions);
    }
}
