package io.attnspark.model.backbone;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.deeplearning4j.nn.api.ParamInitializer;
import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.conf.InputPreProcessor;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.FeedForwardLayer;
import org.deeplearning4j.nn.conf.layers.InputTypeUtil;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.conf.memory.LayerMemoryReport;
import org.deeplearning4j.nn.conf.memory.MemoryReport;
import org.deeplearning4j.optimize.api.TrainingListener;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * {@code nn.Conv2d(in, out, k, stride, padding, groups=G, bias=False)} on NCHW input, which DL4J's
 * {@code ConvolutionLayer} cannot express: input channel group g (of {@code nIn / G}) is convolved only with
 * output channels group g (of {@code nOut / G}). The single parameter {@code W} has torch's shape
 * {@code [nOut, nIn / G, k, k]}, so it holds torch's {@code nOut * nIn / G * k * k} parameters and a torch weight
 * copies in unchanged. Like torch's Conv2d it is linear: no activation function is applied (add an activation
 * layer after it). The runtime layer is {@link GroupedConvolutionLayer}.
 */
public class GroupedConvolution extends FeedForwardLayer {

    public static final String WEIGHT_KEY = "W";

    private int kernel;
    private int stride;
    private int padding;
    private int groups;

    /** For JSON deserialization. */
    public GroupedConvolution() { }

    private GroupedConvolution(Builder builder) {
        super(builder);
        this.kernel = builder.kernel;
        this.stride = builder.stride;
        this.padding = builder.padding;
        this.groups = builder.groups;
        if (kernel < 1 || stride < 1 || padding < 0 || groups < 1) {
            throw new IllegalArgumentException("grouped convolution needs kernel >= 1, stride >= 1, padding >= 0 and"
                    + " groups >= 1; got kernel " + kernel + ", stride " + stride + ", padding " + padding + ", groups " + groups);
        }
        requireDivisible("nOut", nOut);
        if (nIn > 0) {
            requireDivisible("nIn", nIn);
        }
    }

    private void requireDivisible(String what, long channels) {
        if (channels < groups || channels % groups != 0) {
            throw new IllegalArgumentException("grouped convolution: " + what + " (" + channels
                    + ") must be a positive multiple of groups (" + groups + ")");
        }
    }

    public int getKernel() {
        return kernel;
    }

    public void setKernel(int kernel) {
        this.kernel = kernel;
    }

    public int getStride() {
        return stride;
    }

    public void setStride(int stride) {
        this.stride = stride;
    }

    public int getPadding() {
        return padding;
    }

    public void setPadding(int padding) {
        this.padding = padding;
    }

    public int getGroups() {
        return groups;
    }

    public void setGroups(int groups) {
        this.groups = groups;
    }

    /** torch's floor((size + 2p - k) / s) + 1. */
    public long outputSize(long inputSize) {
        return (inputSize + 2L * padding - kernel) / stride + 1;
    }

    /** torch's weight shape {@code [nOut, nIn / groups, kernel, kernel]}. */
    public long[] weightShape() {
        return new long[] {nOut, nIn / groups, kernel, kernel};
    }

    @Override
    public org.deeplearning4j.nn.api.Layer instantiate(NeuralNetConfiguration conf, Collection<TrainingListener> listeners,
            int layerIndex, INDArray layerParamsView, boolean initializeParams, DataType networkDataType) {
        var layer = new GroupedConvolutionLayer(conf, networkDataType);
        layer.setListeners(listeners);
        layer.setIndex(layerIndex);
        layer.setParamsViewArray(layerParamsView);
        layer.setParamTable(initializer().init(conf, layerParamsView, initializeParams));
        layer.setConf(conf);
        return layer;
    }

    @Override
    public ParamInitializer initializer() {
        return Params.INSTANCE;
    }

    @Override
    public InputType getOutputType(int layerIndex, InputType inputType) {
        var conv = convolutional(inputType);
        if (outputSize(conv.getHeight()) < 1 || outputSize(conv.getWidth()) < 1) {
            throw new IllegalArgumentException("grouped convolution '" + getLayerName() + "': input " + conv.getHeight()
                    + "x" + conv.getWidth() + " is smaller than the kernel " + kernel + " with padding " + padding);
        }
        return InputType.convolutional(outputSize(conv.getHeight()), outputSize(conv.getWidth()), nOut);
    }

    @Override
    public void setNIn(InputType inputType, boolean override) {
        if (nIn <= 0 || override) {
            nIn = convolutional(inputType).getChannels();
            requireDivisible("nIn", nIn);
        }
    }

    @Override
    public InputPreProcessor getPreProcessorForInputType(InputType inputType) {
        return InputTypeUtil.getPreProcessorForInputTypeCnnLayers(inputType, getLayerName());
    }

    @Override
    public LayerMemoryReport getMemoryReport(InputType inputType) {
        InputType output = getOutputType(-1, inputType);
        long params = initializer().numParams(this);
        return new LayerMemoryReport.Builder(getLayerName(), GroupedConvolution.class, inputType, output)
                .standardMemory(params, params)
                .workingMemory(0, 0, MemoryReport.CACHE_MODE_ALL_ZEROS, MemoryReport.CACHE_MODE_ALL_ZEROS)
                .cacheMemory(MemoryReport.CACHE_MODE_ALL_ZEROS, MemoryReport.CACHE_MODE_ALL_ZEROS)
                .build();
    }

    private InputType.InputTypeConvolutional convolutional(InputType inputType) {
        if (!(inputType instanceof InputType.InputTypeConvolutional conv) || conv.getFormat() != CNN2DFormat.NCHW) {
            throw new IllegalArgumentException("grouped convolution '" + getLayerName()
                    + "' needs an NCHW convolutional input, got " + inputType);
        }
        return conv;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof GroupedConvolution other && super.equals(o) && kernel == other.kernel
                && stride == other.stride && padding == other.padding && groups == other.groups;
    }

    @Override
    public int hashCode() {
        return Objects.hash(super.hashCode(), kernel, stride, padding, groups);
    }

    public static class Builder extends FeedForwardLayer.Builder<Builder> {
        private int kernel = 3;
        private int stride = 1;
        private int padding;
        private int groups = 1;

        public Builder kernel(int kernel) {
            this.kernel = kernel;
            return this;
        }

        public Builder stride(int stride) {
            this.stride = stride;
            return this;
        }

        public Builder padding(int padding) {
            this.padding = padding;
            return this;
        }

        public Builder groups(int groups) {
            this.groups = groups;
            return this;
        }

        @Override
        @SuppressWarnings("unchecked")
        public GroupedConvolution build() {
            return new GroupedConvolution(this);
        }
    }

    /** One weight {@code W} in torch's layout and order ('c'), so a torch state dict copies in without reordering. */
    static final class Params implements ParamInitializer {
        static final Params INSTANCE = new Params();

        @Override
        public long numParams(NeuralNetConfiguration conf) {
            return numParams(conf.getLayer());
        }

        @Override
        public long numParams(Layer layer) {
            var conv = (GroupedConvolution) layer;
            long[] shape = conv.weightShape();
            return shape[0] * shape[1] * shape[2] * shape[3];
        }

        @Override
        public List<String> paramKeys(Layer layer) {
            return List.of(WEIGHT_KEY);
        }

        @Override
        public List<String> weightKeys(Layer layer) {
            return List.of(WEIGHT_KEY);
        }

        @Override
        public List<String> biasKeys(Layer layer) {
            return List.of();
        }

        @Override
        public boolean isWeightParam(Layer layer, String key) {
            return WEIGHT_KEY.equals(key);
        }

        @Override
        public boolean isBiasParam(Layer layer, String key) {
            return false;
        }

        @Override
        public Map<String, INDArray> init(NeuralNetConfiguration conf, INDArray paramsView, boolean initializeParams) {
            var conv = (GroupedConvolution) conf.getLayer();
            long[] shape = conv.weightShape();
            INDArray weights = paramsView.reshape('c', shape);
            if (initializeParams) {
                // torch's fan_in = in/groups * k * k and fan_out = out * k * k
                double fanIn = (double) shape[1] * shape[2] * shape[3];
                double fanOut = (double) shape[0] * shape[2] * shape[3];
                conv.getWeightInitFn().init(fanIn, fanOut, shape, 'c', weights);
            }
            Map<String, INDArray> table = new LinkedHashMap<>();
            table.put(WEIGHT_KEY, weights);
            return table;
        }

        @Override
        public Map<String, INDArray> getGradientsFromFlattened(NeuralNetConfiguration conf, INDArray gradientView) {
            Map<String, INDArray> table = new LinkedHashMap<>();
            table.put(WEIGHT_KEY, gradientView.reshape('c', ((GroupedConvolution) conf.getLayer()).weightShape()));
            return table;
        }
    }
}
