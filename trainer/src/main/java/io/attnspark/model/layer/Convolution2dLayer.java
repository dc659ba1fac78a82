package io.attnspark.model.layer;

import org.deeplearning4j.nn.conf.CacheMode;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.layers.convolution.ConvolutionLayer;
import org.deeplearning4j.nn.layers.mkldnn.MKLDNNConvHelper;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.activations.impl.ActivationIdentity;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Runtime of {@link Convolution2d}. DL4J's conv layer needs its pre-activation output in backward, for the
 * activation's derivative: with a cache mode it copies every output into the FF_CACHE workspace during the forward pass
 * (at ResNet-50, batch 16, as many bytes as all the network's conv outputs), without one it computes the forward
 * convolution again. Without an activation that derivative is the incoming gradient itself, so this layer keeps
 * nothing and recomputes nothing: its backward pass hands DL4J the gradient in the output's place, which the identity's
 * derivative only checks for shape. With an activation it is DL4J's layer unchanged.
 *
 * <p>Where DL4J would use its oneDNN helper (CPU, helpers on), the layer computes through {@link OneDnnConvolution}.
 */
public class Convolution2dLayer extends ConvolutionLayer {

    /** The incoming gradient while a backward pass without an activation runs; it stands in for the output. */
    private INDArray outputGradient;

    public Convolution2dLayer(NeuralNetConfiguration conf, DataType dataType) {
        super(conf, dataType);
        setCacheMode(cacheMode);
        if (helper instanceof MKLDNNConvHelper) {
            helper = new OneDnnConvolution(layerConf().hasBias(), inputGradient());
        }
    }

    private boolean inputGradient() {
        return !(layerConf() instanceof Convolution2d conv) || conv.isInputGradient();
    }

    private boolean withoutActivation() {
        return layerConf().getActivationFn() instanceof ActivationIdentity;
    }

    /** Also applied to the mode the network's configuration gave the constructor. */
    @Override
    public void setCacheMode(CacheMode mode) {
        super.setCacheMode(withoutActivation() ? CacheMode.NONE : mode);
    }

    @Override
    public Pair<Gradient, INDArray> backpropGradient(INDArray epsilon, LayerWorkspaceMgr workspaceMgr) {
        Pair<Gradient, INDArray> gradients;
        if (!withoutActivation()) {
            gradients = super.backpropGradient(epsilon, workspaceMgr);
        } else {
            outputGradient = epsilon;
            try {
                gradients = super.backpropGradient(epsilon, workspaceMgr);
            } finally {
                outputGradient = null;
            }
        }
        if (!inputGradient()) {
            // OneDnnConvolution leaves it unwritten, DL4J's own paths compute it anyway; the option's contract is zeros
            gradients.getSecond().assign(0);
        }
        return gradients;
    }

    @Override
    protected Pair<INDArray, INDArray> preOutput4d(boolean training, boolean forBackprop, LayerWorkspaceMgr workspaceMgr) {
        if (forBackprop && outputGradient != null) {
            return new Pair<>(outputGradient, null);
        }
        return super.preOutput4d(training, forBackprop, workspaceMgr);
    }
}
