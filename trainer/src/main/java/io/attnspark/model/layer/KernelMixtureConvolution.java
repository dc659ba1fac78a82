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
import org.nd4j.linalg.factory.Nd4j;

/**
 * A k×k convolution whose kernel is a per-example mixture of E expert kernels (CondConv, dynamic convolution):
 * {@code W_b = Σ_i a_bi W_i}, {@code bias_b = Σ_i a_bi B_i}, where the routing weights {@code a_b} come from the
 * input's global average {@code g_b}: {@code z = route(relu(reduce(g)))} (or {@code z = route(g)} without a hidden
 * layer) and {@code a = gate(z / temperature)}, gate a sigmoid per expert (CondConv) or a softmax over the experts
 * (dynamic convolution). The runtime layer is {@link KernelMixtureConvolutionLayer}; its backward pass is written out.
 * <p>
 * Parameters, all in torch's layout so that state dicts copy in unchanged: {@code reduceW} [H, C] and
 * {@code reduceB} [1, H] (only with a hidden layer of H units), {@code routeW} [E, H or C], {@code routeB} [1, E],
 * {@code W} [E, out·C·k·k] (each row one expert's [out, C, k, k] kernel, timm's CondConv2d layout) and, with
 * {@code expertBias}, {@code b} [E, out]. The experts take the layer's weight init with a conv's fans; the routing
 * layers and the expert biases start like torch's defaults, uniform in ±1/√fan_in. No activation is applied.
 * Parameter keys have no underscore: DL4J's updater splits {@code layer_param} at the last one.
 * <p>
 * Somewhat over 300 lines: DL4J reads and writes layer configurations as beans, so each of the eight settings needs
 * a field, a getter, a setter and a builder method.
 */
public class KernelMixtureConvolution extends HandWrittenLayer {

    /** How the routing logits become expert weights. */
    public enum Gate {
        /** {@code sigmoid(z / T)} per expert (CondConv). */
        SIGMOID,
        /** {@code softmax(z / T)} over the experts (dynamic convolution). */
        SOFTMAX
    }

    public static final String REDUCE_WEIGHT = "reduceW";
    public static final String REDUCE_BIAS = "reduceB";
    public static final String ROUTE_WEIGHT = "routeW";
    public static final String ROUTE_BIAS = "routeB";
    public static final String EXPERT_WEIGHT = "W";
    public static final String EXPERT_BIAS = "b";

    private int kernel;
    private int stride;
    private int padding;
    private int experts;
    private boolean expertBias;
    private int hiddenWidth;
    private Gate gate;
    private double temperature;

    /** For JSON deserialization. */
    public KernelMixtureConvolution() { }

    private KernelMixtureConvolution(Builder builder) {
        super(builder);
        this.kernel = builder.kernel;
        this.stride = builder.stride;
        this.padding = builder.padding;
        this.experts = builder.experts;
        this.expertBias = builder.expertBias;
        this.hiddenWidth = builder.hiddenWidth;
        this.gate = builder.gate;
        this.temperature = builder.temperature;
        if (kernel < 1 || stride < 1 || padding < 0 || experts < 1 || hiddenWidth < 0 || gate == null) {
            throw new IllegalArgumentException("kernel mixture convolution needs kernel >= 1, stride >= 1, padding >= 0,"
                    + " experts >= 1, hiddenWidth >= 0 and a gate; got kernel " + kernel + ", stride " + stride + ", padding "
                    + padding + ", experts " + experts + ", hiddenWidth " + hiddenWidth + ", gate " + gate);
        }
        checkTemperature(temperature);
    }

    private static void checkTemperature(double temperature) {
        if (!(temperature > 0) || Double.isInfinite(temperature)) {
            throw new IllegalArgumentException("kernel mixture convolution: the temperature must be a positive number, got "
                    + temperature);
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

    public int getExperts() {
        return experts;
    }

    public void setExperts(int experts) {
        this.experts = experts;
    }

    public boolean isExpertBias() {
        return expertBias;
    }

    public void setExpertBias(boolean expertBias) {
        this.expertBias = expertBias;
    }

    public int getHiddenWidth() {
        return hiddenWidth;
    }

    public void setHiddenWidth(int hiddenWidth) {
        this.hiddenWidth = hiddenWidth;
    }

    public Gate getGate() {
        return gate;
    }

    public void setGate(Gate gate) {
        this.gate = gate;
    }

    public double getTemperature() {
        return temperature;
    }

    /**
     * The routing temperature; changeable between fits (dynamic convolution anneals it). A field of the configuration,
     * so it travels with the network configuration that Spark ships to the workers.
     */
    public void setTemperature(double temperature) {
        checkTemperature(temperature);
        this.temperature = temperature;
    }

    /** torch's floor((size + 2p - k) / s) + 1. */
    public long outputSize(long inputSize) {
        return (inputSize + 2L * padding - kernel) / stride + 1;
    }

    /** Inputs of one output value, {@code C·k·k}. */
    public long patchSize() {
        return nIn * kernel * kernel;
    }

    /** Inputs of the last routing layer: the hidden width, or the channels without a hidden layer. */
    public long routeInputs() {
        return hiddenWidth > 0 ? hiddenWidth : nIn;
    }

    @Override
    protected String describe() {
        return "kernel mixture convolution '" + getLayerName() + "'";
    }

    @Override
    protected org.deeplearning4j.nn.api.Layer runtimeLayer(NeuralNetConfiguration conf, DataType dataType) {
        return new KernelMixtureConvolutionLayer(conf, dataType);
    }

    @Override
    public ParamInitializer initializer() {
        return Params.INSTANCE;
    }

    @Override
    public InputType getOutputType(int layerIndex, InputType inputType) {
        return slidingKernelOutput(inputType, this::outputSize, kernel + " with padding " + padding);
    }

    /** Working memory: the im2col buffer and the per-example kernels, per example. */
    @Override
    public LayerMemoryReport getMemoryReport(InputType inputType) {
        var output = (InputType.InputTypeConvolutional) getOutputType(-1, inputType);
        long working = patchSize() * output.getHeight() * output.getWidth() + nOut * patchSize();
        return memoryReport(inputType, working, working);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof KernelMixtureConvolution other && super.equals(o) && kernel == other.kernel
                && stride == other.stride && padding == other.padding && experts == other.experts
                && expertBias == other.expertBias && hiddenWidth == other.hiddenWidth && gate == other.gate
                && Double.compare(temperature, other.temperature) == 0;
    }

    @Override
    public int hashCode() {
        return Objects.hash(super.hashCode(), kernel, stride, padding, experts, expertBias, hiddenWidth, gate, temperature);
    }

    public static class Builder extends FeedForwardLayer.Builder<Builder> {
        private int kernel = 3;
        private int stride = 1;
        private int padding = 1;
        private int experts;
        private boolean expertBias;
        private int hiddenWidth;
        private Gate gate;
        private double temperature = 1.0;

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

        public Builder experts(int experts) {
            this.experts = experts;
            return this;
        }

        public Builder expertBias(boolean expertBias) {
            this.expertBias = expertBias;
            return this;
        }

        /** Units of the routing MLP's hidden ReLU layer; 0 routes with a single linear layer. */
        public Builder hiddenWidth(int hiddenWidth) {
            this.hiddenWidth = hiddenWidth;
            return this;
        }

        public Builder gate(Gate gate) {
            this.gate = gate;
            return this;
        }

        public Builder temperature(double temperature) {
            this.temperature = temperature;
            return this;
        }

        @Override
        @SuppressWarnings("unchecked")
        public KernelMixtureConvolution build() {
            return new KernelMixtureConvolution(this);
        }
    }

    /** The parameters in torch's layouts ('c' order), laid out one after the other in {@link #paramKeys} order. */
    static final class Params extends HandWrittenParams {
        static final Params INSTANCE = new Params();

        @Override
        protected Map<String, long[]> shapes(Layer layer) {
            var conv = (KernelMixtureConvolution) layer;
            Map<String, long[]> shapes = new LinkedHashMap<>();
            if (conv.hiddenWidth > 0) {
                shapes.put(REDUCE_WEIGHT, new long[] {conv.hiddenWidth, conv.nIn});
                shapes.put(REDUCE_BIAS, new long[] {1, conv.hiddenWidth});
            }
            shapes.put(ROUTE_WEIGHT, new long[] {conv.experts, conv.routeInputs()});
            shapes.put(ROUTE_BIAS, new long[] {1, conv.experts});
            shapes.put(EXPERT_WEIGHT, new long[] {conv.experts, conv.nOut * conv.patchSize()});
            if (conv.expertBias) {
                shapes.put(EXPERT_BIAS, new long[] {conv.experts, conv.nOut});
            }
            return shapes;
        }

        @Override
        public boolean isWeightParam(Layer layer, String key) {
            return REDUCE_WEIGHT.equals(key) || ROUTE_WEIGHT.equals(key) || EXPERT_WEIGHT.equals(key);
        }

        @Override
        public boolean isBiasParam(Layer layer, String key) {
            return REDUCE_BIAS.equals(key) || ROUTE_BIAS.equals(key) || EXPERT_BIAS.equals(key);
        }

        @Override
        protected void initialize(Layer layer, Map<String, INDArray> table) {
            var conv = (KernelMixtureConvolution) layer;
            if (conv.hiddenWidth > 0) {
                torchDefault(table.get(REDUCE_WEIGHT), conv.nIn);
                torchDefault(table.get(REDUCE_BIAS), conv.nIn);
            }
            torchDefault(table.get(ROUTE_WEIGHT), conv.routeInputs());
            torchDefault(table.get(ROUTE_BIAS), conv.routeInputs());
            long[] kernelShape = {conv.nOut, conv.nIn, conv.kernel, conv.kernel};
            double fanIn = (double) conv.patchSize();
            double fanOut = (double) conv.nOut * conv.kernel * conv.kernel;
            INDArray experts = table.get(EXPERT_WEIGHT);
            for (int i = 0; i < conv.experts; i++) {
                conv.getWeightInitFn().init(fanIn, fanOut, kernelShape, 'c', experts.getRow(i).reshape('c', kernelShape));
            }
            if (conv.expertBias) {
                torchDefault(table.get(EXPERT_BIAS), conv.patchSize());
            }
        }

        /** torch's default for Linear and Conv2d weights and biases: uniform in ±1/√fan_in. */
        private static void torchDefault(INDArray param, long fanIn) {
            double bound = 1.0 / Math.sqrt(fanIn);
            param.assign(Nd4j.rand(param.dataType(), param.shape()).muli(2 * bound).subi(bound));
        }
    }
}
