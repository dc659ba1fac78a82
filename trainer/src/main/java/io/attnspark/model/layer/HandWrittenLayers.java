package io.attnspark.model.layer;

import java.util.Collection;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.api.ParamInitializer;
import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.optimize.api.TrainingListener;
import org.nd4j.linalg.api.ndarray.INDArray;

/** What every hand-written layer config's {@code instantiate} does after creating its runtime layer. */
public final class HandWrittenLayers {

    private HandWrittenLayers() { }

    /** {@code inputType} as a convolutional type, checked to be NCHW; {@code layer} names the layer in the message. */
    public static InputType.InputTypeConvolutional nchwInput(String layer, InputType inputType) {
        if (!(inputType instanceof InputType.InputTypeConvolutional conv) || conv.getFormat() != CNN2DFormat.NCHW) {
            throw new IllegalArgumentException(layer + " needs an NCHW convolutional input, got " + inputType);
        }
        return conv;
    }

    /**
     * Wires {@code layer} into its network as DL4J's built-in layer configs do: listeners, index, the parameter view
     * and the parameter table that {@code initializer} carves out of it (initialized when {@code initializeParams}).
     */
    public static Layer wire(Layer layer, ParamInitializer initializer, NeuralNetConfiguration conf,
                             Collection<TrainingListener> listeners, int layerIndex, INDArray layerParamsView,
                             boolean initializeParams) {
        layer.setListeners(listeners);
        layer.setIndex(layerIndex);
        layer.setParamsViewArray(layerParamsView);
        layer.setParamTable(initializer.init(conf, layerParamsView, initializeParams));
        layer.setConf(conf);
        return layer;
    }
}
