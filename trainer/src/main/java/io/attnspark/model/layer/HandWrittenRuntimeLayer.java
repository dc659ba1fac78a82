package io.attnspark.model.layer;

import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.layers.BaseLayer;
import org.nd4j.linalg.api.buffer.DataType;

/** The runtime side the hand-written NCHW layers share: a convolutional layer that is never pretrained. */
public abstract class HandWrittenRuntimeLayer<C extends HandWrittenLayer> extends BaseLayer<C> {

    protected HandWrittenRuntimeLayer(NeuralNetConfiguration conf, DataType dataType) {
        super(conf, dataType);
    }

    @Override
    public Type type() {
        return Type.CONVOLUTIONAL;
    }

    @Override
    public boolean isPretrainLayer() {
        return false;
    }
}
