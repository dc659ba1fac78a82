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
 * Configuration of SK's select step: {@code out = Σ_m softmax_m(logits)[n,m,c] · U_m[n,c,h,w]}, the softmax taken
 * over the M branches per channel. Inputs, in order: the logits, M·C values per example read in row-major order as
 * [M, C] (the seed reshapes its FC output to [N, M, C, 1, 1]), then the M branch outputs U_1..U_M (NCHW, equal shapes).
 * It has no fields: M is the number of inputs minus one.
 */
public class BranchSelectVertex extends ParameterFreeVertex {

    /** At least the logits and one branch. */
    @Override
    protected int inputCount() {
        return 2;
    }

    @Override
    public int maxVertexInputs() {
        return Integer.MAX_VALUE;
    }

    @Override
    public org.deeplearning4j.nn.graph.vertex.GraphVertex instantiate(ComputationGraph graph, String name, int idx,
            INDArray paramsView, boolean initializeParams, DataType networkDatatype) {
        return new BranchSelectVertexImpl(graph, name, idx, networkDatatype);
    }

    @Override
    public InputType getOutputType(int layerIndex, InputType... vertexInputs) throws InvalidInputTypeException {
        if (vertexInputs.length < 2 || !(vertexInputs[1] instanceof InputType.InputTypeConvolutional first)
                || first.getFormat() != CNN2DFormat.NCHW) {
            throw new InvalidInputTypeException("branch select: inputs must be the logits and at least one NCHW branch, got "
                    + Arrays.toString(vertexInputs));
        }
        for (int i = 2; i < vertexInputs.length; i++) {
            if (!first.equals(vertexInputs[i])) {
                throw new InvalidInputTypeException("branch select: all branches must have the shape of the first, "
                        + first + "; branch " + i + " is " + vertexInputs[i]);
            }
        }
        long branches = vertexInputs.length - 1;
        if (vertexInputs[0].arrayElementsPerExample() != branches * first.getChannels()) {
            throw new InvalidInputTypeException("branch select: the logits must hold branches x channels ("
                    + branches + " x " + first.getChannels() + ") values per example; got " + vertexInputs[0]);
        }
        return first;
    }

    /** The output has the type of the branches; no working memory beyond it and the [N, M, C] weights. */
    @Override
    public MemoryReport getMemoryReport(InputType... inputTypes) {
        return memoryReport(inputTypes[1], inputTypes[1], 0, 0);
    }
}
