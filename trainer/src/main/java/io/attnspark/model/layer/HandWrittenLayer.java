package io.attnspark.model.layer;

import java.util.Collection;
import java.util.function.LongUnaryOperator;
import org.deeplearning4j.nn.conf.InputPreProcessor;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.FeedForwardLayer;
import org.deeplearning4j.nn.conf.layers.InputTypeUtil;
import org.deeplearning4j.nn.conf.memory.LayerMemoryReport;
import org.deeplearning4j.nn.conf.memory.MemoryReport;
import org.deeplearning4j.optimize.api.TrainingListener;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The configuration side that the hand-written NCHW layers share: wiring the runtime layer, taking {@code nIn} from the
 * input's channels, the CNN preprocessor, the output of a sliding kernel and the memory report. A subclass names its
 * runtime layer, its parameters ({@link HandWrittenParams}) and its output type.
 */
public abstract class HandWrittenLayer extends FeedForwardLayer {

    /** For JSON deserialization. */
    protected HandWrittenLayer() { }

    protected HandWrittenLayer(FeedForwardLayer.Builder<?> builder) {
        super(builder);
    }

    /** What messages call this layer, e.g. {@code grouped convolution 'layer1.0.conv2'}. */
    protected abstract String describe();

    /** A new runtime layer for {@code conf}; {@link #instantiate} wires its parameters and listeners. */
    protected abstract org.deeplearning4j.nn.api.Layer runtimeLayer(NeuralNetConfiguration conf, DataType dataType);

    @Override
    public org.deeplearning4j.nn.api.Layer instantiate(NeuralNetConfiguration conf, Collection<TrainingListener> listeners,
            int layerIndex, INDArray layerParamsView, boolean initializeParams, DataType networkDataType) {
        return HandWrittenLayers.wire(runtimeLayer(conf, networkDataType), initializer(), conf, listeners, layerIndex,
                layerParamsView, initializeParams);
    }

    /** The input's channels, unless {@code nIn} is set already and {@code override} is false. */
    @Override
    public void setNIn(InputType inputType, boolean override) {
        if (nIn <= 0 || override) {
            nIn = nchwInput(inputType).getChannels();
        }
    }

    @Override
    public InputPreProcessor getPreProcessorForInputType(InputType inputType) {
        return InputTypeUtil.getPreProcessorForInputTypeCnnLayers(inputType, getLayerName());
    }

    /** {@code inputType} as an NCHW convolutional type; an exception naming this layer otherwise. */
    protected InputType.InputTypeConvolutional nchwInput(InputType inputType) {
        return HandWrittenLayers.nchwInput(describe(), inputType);
    }

    /**
     * {@code nOut} channels of a kernel that slides over the input, each side mapped by {@code side}.
     *
     * @param kernel how the message for a too small input describes the kernel, e.g. {@code 3 with padding 1}
     */
    protected InputType slidingKernelOutput(InputType inputType, LongUnaryOperator side, String kernel) {
        var conv = nchwInput(inputType);
        long height = side.applyAsLong(conv.getHeight());
        long width = side.applyAsLong(conv.getWidth());
        if (height < 1 || width < 1) {
            throw new IllegalArgumentException(describe() + ": input " + conv.getHeight() + "x" + conv.getWidth()
                    + " is smaller than the kernel " + kernel);
        }
        return InputType.convolutional(height, width, nOut);
    }

    /** The parameters (and as much again for their gradients) and the given working memory per example. */
    protected LayerMemoryReport memoryReport(InputType inputType, long inferenceWorking, long trainingWorking) {
        InputType output = getOutputType(-1, inputType);
        long params = initializer().numParams(this);
        return new LayerMemoryReport.Builder(getLayerName(), getClass(), inputType, output)
                .standardMemory(params, params)
                .workingMemory(0, inferenceWorking, 0, trainingWorking)
                .cacheMemory(MemoryReport.CACHE_MODE_ALL_ZEROS, MemoryReport.CACHE_MODE_ALL_ZEROS)
                .build();
    }
}
