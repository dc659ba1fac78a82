package io.attnspark.model.layer;

import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.conf.graph.GraphVertex;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.inputs.InvalidInputTypeException;
import org.deeplearning4j.nn.conf.memory.LayerMemoryReport;
import org.deeplearning4j.nn.conf.memory.MemoryReport;

/**
 * Configuration side shared by this package's vertices without parameters: no parameters, a fixed input count,
 * equality by class, and a memory report with no parameter or cache memory.
 * DL4J writes vertex configurations to JSON by class name and bean properties, so this base holds no fields and no
 * getters: it must not change the JSON of its subclasses. Subclasses with fields override
 * {@link #clone()}, {@link #equals(Object)}, {@link #hashCode()} and {@link #toString()}.
 */
public abstract class ParameterFreeVertex extends GraphVertex {

    /** How many inputs the vertex takes (the most it takes, for a vertex that also overrides minVertexInputs). */
    protected abstract int inputCount();

    /**
     * A new instance from the no-argument constructor, which is a copy for a vertex without fields (GraphVertex
     * redeclares {@code clone()} abstract, so Object's field copy is out of reach).
     */
    @Override
    public ParameterFreeVertex clone() {
        try {
            return getClass().getDeclaredConstructor().newInstance();
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(getClass().getSimpleName() + " has fields or no public no-argument"
                    + " constructor: override clone() to copy it", e);
        }
    }

    @Override
    public boolean equals(Object o) {
        return o != null && o.getClass() == getClass();
    }

    @Override
    public int hashCode() {
        return getClass().getName().hashCode();
    }

    @Override
    public long numParams(boolean backprop) {
        return 0;
    }

    @Override
    public int minVertexInputs() {
        return inputCount();
    }

    @Override
    public int maxVertexInputs() {
        return inputCount();
    }

    /** By default the output has the type of the first input and needs no working memory beyond itself. */
    @Override
    public MemoryReport getMemoryReport(InputType... inputTypes) {
        return memoryReport(inputTypes[0], inputTypes[0], 0, 0);
    }

    /** A report with no parameter or cache memory and the given per-example working memory. */
    protected MemoryReport memoryReport(InputType input, InputType output, long inferenceWorkingMemory,
            long trainingWorkingMemory) {
        return new LayerMemoryReport.Builder(null, getClass(), input, output).standardMemory(0, 0)
                .workingMemory(0, inferenceWorkingMemory, 0, trainingWorkingMemory).cacheMemory(0, 0).build();
    }

    @Override
    public String toString() {
        return getClass().getSimpleName() + "()";
    }

    /** The one input of a single-input vertex, checked to be an NCHW convolutional activation. */
    protected static InputType.InputTypeConvolutional singleNchwInput(String operation, InputType... vertexInputs) {
        if (vertexInputs.length != 1 || !(vertexInputs[0] instanceof InputType.InputTypeConvolutional x)
                || x.getFormat() != CNN2DFormat.NCHW) {
            throw new InvalidInputTypeException(operation + ": the input must be one NCHW convolutional activation, got "
                    + java.util.Arrays.toString(vertexInputs));
        }
        return x;
    }
}
