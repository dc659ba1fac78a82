package io.attnspark.model.layer;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import org.deeplearning4j.nn.api.ParamInitializer;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.FeedForwardLayer;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.conf.memory.LayerMemoryReport;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * {@code nn.Conv2d(in, out, k, stride, padding, dilation, groups=G, bias)} on NCHW input, which DL4J's
 * {@code ConvolutionLayer} cannot express: input channel group g (of {@code nIn / G}) is convolved only with
 * output channels group g (of {@code nOut / G}). The weight {@code W} has torch's shape
 * {@code [nOut, nIn / G, k, k]}, so it holds torch's {@code nOut * nIn / G * k * k} parameters and a torch weight
 * copies in unchanged; with {@code hasBias} a bias {@code b} [1, nOut] follows it (torch's {@code bias=True}, default
 * off as in torchvision's convs). Like torch's Conv2d it is linear: no activation function is applied (add an
 * activation layer after it). The runtime layer is {@link GroupedConvolutionLayer}.
 * <p>
 * DL4J writes a layer's JSON type as its fully qualified class name ({@code @class}); this class moved from
 * {@code io.attnspark.model.backbone} to this package, so configurations saved before the move name the old class.
 */
public class GroupedConvolution extends HandWrittenLayer {

    public static final String WEIGHT_KEY = "W";
    public static final String BIAS_KEY = "b";

    private int kernel;
    private int stride;
    private int padding;
    private int dilation = 1;
    private int groups;
    private boolean hasBias;

    /** For JSON deserialization. */
    public GroupedConvolution() { }

    private GroupedConvolution(Builder builder) {
        super(builder);
        this.kernel = builder.kernel;
        this.stride = builder.stride;
        this.padding = builder.padding;
        this.dilation = builder.dilation;
        this.groups = builder.groups;
        this.hasBias = builder.hasBias;
        if (kernel < 1 || stride < 1 || padding < 0 || dilation < 1 || groups < 1) {
            throw new IllegalArgumentException("grouped convolution needs kernel >= 1, stride >= 1, padding >= 0,"
                    + " dilation >= 1 and groups >= 1; got kernel " + kernel + ", stride " + stride + ", padding "
                    + padding + ", dilation " + dilation + ", groups " + groups);
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

    public int getDilation() {
        return dilation;
    }

    public void setDilation(int dilation) {
        this.dilation = dilation;
    }

    public boolean isHasBias() {
        return hasBias;
    }

    public void setHasBias(boolean hasBias) {
        this.hasBias = hasBias;
    }

    public int getGroups() {
        return groups;
    }

    public void setGroups(int groups) {
        this.groups = groups;
    }

    /** torch's floor((size + 2p - d(k - 1) - 1) / s) + 1. */
    public long outputSize(long inputSize) {
        return (inputSize + 2L * padding - (long) dilation * (kernel - 1) - 1) / stride + 1;
    }

    /** torch's weight shape {@code [nOut, nIn / groups, kernel, kernel]}. */
    public long[] weightShape() {
        return new long[] {nOut, nIn / groups, kernel, kernel};
    }

    @Override
    protected String describe() {
        return "grouped convolution '" + getLayerName() + "'";
    }

    @Override
    protected org.deeplearning4j.nn.api.Layer runtimeLayer(NeuralNetConfiguration conf, DataType dataType) {
        return new GroupedConvolutionLayer(conf, dataType);
    }

    @Override
    public ParamInitializer initializer() {
        return Params.INSTANCE;
    }

    @Override
    public InputType getOutputType(int layerIndex, InputType inputType) {
        return slidingKernelOutput(inputType, this::outputSize, kernel + " with dilation " + dilation + " and padding " + padding);
    }

    @Override
    public void setNIn(InputType inputType, boolean override) {
        super.setNIn(inputType, override);
        requireDivisible("nIn", nIn);
    }

    @Override
    public LayerMemoryReport getMemoryReport(InputType inputType) {
        return memoryReport(inputType, 0, 0);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof GroupedConvolution other && super.equals(o) && kernel == other.kernel
                && stride == other.stride && padding == other.padding && dilation == other.dilation
                && groups == other.groups && hasBias == other.hasBias;
    }

    @Override
    public int hashCode() {
        return Objects.hash(super.hashCode(), kernel, stride, padding, dilation, groups, hasBias);
    }

    public static class Builder extends FeedForwardLayer.Builder<Builder> {
        private int kernel = 3;
        private int stride = 1;
        private int padding;
        private int dilation = 1;
        private int groups = 1;
        private boolean hasBias;

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

        public Builder dilation(int dilation) {
            this.dilation = dilation;
            return this;
        }

        public Builder groups(int groups) {
            this.groups = groups;
            return this;
        }

        /** A bias per output channel, initialized to the layer's {@code biasInit} (default 0). */
        public Builder hasBias(boolean hasBias) {
            this.hasBias = hasBias;
            return this;
        }

        @Override
        @SuppressWarnings("unchecked")
        public GroupedConvolution build() {
            return new GroupedConvolution(this);
        }
    }

    /**
     * The weight {@code W} in torch's layout and order ('c'), so a torch state dict copies in without reordering, then
     * the bias {@code b} if the layer has one.
     */
    static final class Params extends HandWrittenParams {
        static final Params INSTANCE = new Params();

        @Override
        protected Map<String, long[]> shapes(Layer layer) {
            var conv = (GroupedConvolution) layer;
            Map<String, long[]> shapes = new LinkedHashMap<>();
            shapes.put(WEIGHT_KEY, conv.weightShape());
            if (conv.hasBias) {
                shapes.put(BIAS_KEY, new long[] {1, conv.getNOut()});
            }
            return shapes;
        }

        @Override
        public boolean isWeightParam(Layer layer, String key) {
            return WEIGHT_KEY.equals(key);
        }

        @Override
        public boolean isBiasParam(Layer layer, String key) {
            return BIAS_KEY.equals(key);
        }

        @Override
        protected void initialize(Layer layer, Map<String, INDArray> params) {
            var conv = (GroupedConvolution) layer;
            long[] shape = conv.weightShape();
            // torch's fan_in = in/groups * k * k and fan_out = out * k * k
            double fanIn = (double) shape[1] * shape[2] * shape[3];
            double fanOut = (double) shape[0] * shape[2] * shape[3];
            conv.getWeightInitFn().init(fanIn, fanOut, shape, 'c', params.get(WEIGHT_KEY));
            if (conv.hasBias) {
                params.get(BIAS_KEY).assign(conv.getBiasInit());
            }
        }
    }
}
