package io.attnspark.model.layer;

import static io.attnspark.model.layer.KernelMixtureConvolution.EXPERT_BIAS;
import static io.attnspark.model.layer.KernelMixtureConvolution.EXPERT_WEIGHT;
import static io.attnspark.model.layer.KernelMixtureConvolution.REDUCE_BIAS;
import static io.attnspark.model.layer.KernelMixtureConvolution.REDUCE_WEIGHT;
import static io.attnspark.model.layer.KernelMixtureConvolution.ROUTE_BIAS;
import static io.attnspark.model.layer.KernelMixtureConvolution.ROUTE_WEIGHT;

import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.gradient.DefaultGradient;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.broadcast.BroadcastAddOp;
import org.nd4j.linalg.convolution.Convolution;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * Runtime of {@link KernelMixtureConvolution}. The per-example kernels are one product {@code [N, E] x [E, out·C·k·k]}.
 * The convolution, float on CPU, is one oneDNN convolution with the batch as groups, as the seed's PyTorch code and
 * timm run it: input [1, N·C, H, W], weights [N·out, C, k, k]. Otherwise it is im2col once and a batched product
 * {@code [N, out, C·k·k] x [N, C·k·k, oH·oW]}.
 * <p>
 * Backward, with {@code D} the output gradient as [N, out, P] and {@code X} the columns:
 * {@code dW_b = D_b X_bᵀ}, {@code dExperts = aᵀ dW}, {@code da = dW Expertsᵀ} (+ {@code Σ_P D · Biasᵀ} with expert
 * biases, {@code dBias = aᵀ Σ_P D}), {@code dX_b = W_bᵀ D_b} then col2im (or the grouped convolution's backward); the
 * gate's and the routing MLP's chain rule ({@code dz = da ⊙ a(1−a) / T} for the sigmoid,
 * {@code dz = a ⊙ (da − Σ a·da) / T} for the softmax) and the global average's {@code 1/(H·W)} add the routing's share
 * to the input gradient. The routing and columns are recomputed in backward rather than kept, so nothing outlives a
 * workspace.
 */
public class KernelMixtureConvolutionLayer extends HandWrittenRuntimeLayer<KernelMixtureConvolution> {

    private static final int[] BATCH_AND_CHANNEL = {0, 1};

    public KernelMixtureConvolutionLayer(NeuralNetConfiguration conf, DataType dataType) {
        super(conf, dataType);
    }

    /**
     * The routing's intermediate values for one input: the hidden layer's pre-activation (null without one) and the
     * route layer's input (the hidden activation, or the pooled input).
     */
    private record Routing(INDArray pooled, INDArray hiddenPre, INDArray routeInput, INDArray gates) { }

    /** The convolution's gradients: per-example kernels [N, out·C·k·k], per-example bias [N, out] (or null), input. */
    private record ConvolutionGradients(INDArray kernels, INDArray bias, INDArray input) { }

    @Override
    public INDArray activate(boolean training, LayerWorkspaceMgr workspaceMgr) {
        assertInputSet(false);
        applyDropOutIfNecessary(training, workspaceMgr);
        KernelMixtureConvolution conf = layerConf();
        INDArray x = input.castTo(dataType);
        long n = x.size(0);
        long outH = conf.outputSize(x.size(2));
        long outW = conf.outputSize(x.size(3));
        INDArray gates = route(x, training, workspaceMgr).gates();
        INDArray kernels = mixedKernels(gates, training, workspaceMgr);
        INDArray bias = conf.isExpertBias() ? gates.mmul(getParamWithNoise(EXPERT_BIAS, training, workspaceMgr)) : null;
        INDArray output = workspaceMgr.createUninitialized(ArrayType.ACTIVATIONS, dataType,
                new long[] {n, conf.getNOut(), outH, outW}, 'c');
        if (OneDnn.runs(x)) {
            INDArray grouped = asGroups(x);
            OneDnnConvolution.plan(groupedGeometry(grouped, n)).forward(grouped, kernels, bias, asGroups(output),
                    workspaceMgr);
            return output;
        }
        INDArray product = Nd4j.matmul(kernels, columns(x));
        if (bias != null) {
            Nd4j.getExecutioner().exec(new BroadcastAddOp(product, bias, product, BATCH_AND_CHANNEL));
        }
        output.assign(product.reshape('c', n, conf.getNOut(), outH, outW));
        return output;
    }

    @Override
    public Pair<Gradient, INDArray> backpropGradient(INDArray epsilon, LayerWorkspaceMgr workspaceMgr) {
        assertInputSet(true);
        KernelMixtureConvolution conf = layerConf();
        INDArray x = input.castTo(dataType);
        Routing routing = route(x, true, workspaceMgr);
        INDArray gates = routing.gates();
        INDArray kernels = mixedKernels(gates, true, workspaceMgr);
        INDArray outputGradient = epsilon.castTo(dataType);
        ConvolutionGradients convolution = OneDnn.runs(x, outputGradient)
                ? convolutionBackward(x, kernels, outputGradient, workspaceMgr)
                : convolutionBackwardThroughColumns(x, kernels, outputGradient, workspaceMgr);

        // experts: the mixed kernels' gradient, split over the experts by the gates
        INDArray experts = getParamWithNoise(EXPERT_WEIGHT, true, workspaceMgr);
        gradientViews.get(EXPERT_WEIGHT).assign(Nd4j.matmul(gates, convolution.kernels(), true, false, false));
        INDArray gateGradient = Nd4j.matmul(convolution.kernels(), experts, false, true, false);
        if (conf.isExpertBias()) {
            gradientViews.get(EXPERT_BIAS).assign(Nd4j.matmul(gates, convolution.bias(), true, false, false));
            gateGradient.addi(Nd4j.matmul(convolution.bias(), getParamWithNoise(EXPERT_BIAS, true, workspaceMgr), false,
                    true, false));
        }

        // input through the routing
        INDArray inputGradient = convolution.input();
        INDArray pooledGradient = routingBackward(routing, logitGradient(gates, gateGradient), workspaceMgr);
        pooledGradient.divi(x.size(2) * x.size(3));
        INDArray gradientRows = RowOps.rows(inputGradient);
        RowOps.add(gradientRows, RowOps.column(pooledGradient), gradientRows);

        Gradient gradient = new DefaultGradient();
        for (String key : conf.initializer().paramKeys(conf)) {
            gradient.gradientForVariable().put(key, gradientViews.get(key));
        }
        weightNoiseParams.clear();
        return new Pair<>(gradient, inputGradient);
    }

    /** The grouped oneDNN convolution's backward, kernels as groups of [out, C, k, k]. */
    private ConvolutionGradients convolutionBackward(INDArray x, INDArray kernels, INDArray outputGradient,
                                                     LayerWorkspaceMgr workspaceMgr) {
        KernelMixtureConvolution conf = layerConf();
        long n = x.size(0);
        INDArray kernelGradient = workspaceMgr.createUninitialized(ArrayType.BP_WORKING_MEM, dataType,
                new long[] {n, conf.getNOut() * conf.patchSize()}, 'c');
        INDArray biasGradient = conf.isExpertBias() ? workspaceMgr.createUninitialized(ArrayType.BP_WORKING_MEM, dataType,
                new long[] {n, conf.getNOut()}, 'c') : null;
        INDArray inputGradient = workspaceMgr.createUninitialized(ArrayType.ACTIVATION_GRAD, dataType, x.shape(), 'c');
        INDArray grouped = asGroups(x);
        OneDnnConvolution.plan(groupedGeometry(grouped, n)).backward(grouped, kernels, asGroups(outputGradient),
                asGroups(inputGradient), kernelGradient, biasGradient, workspaceMgr);
        return new ConvolutionGradients(kernelGradient, biasGradient, inputGradient);
    }

    /** im2col's backward: kernels from the columns, the input by col2im. */
    private ConvolutionGradients convolutionBackwardThroughColumns(INDArray x, INDArray kernels, INDArray epsilon,
                                                                   LayerWorkspaceMgr workspaceMgr) {
        KernelMixtureConvolution conf = layerConf();
        long n = x.size(0);
        long outH = epsilon.size(2);
        long outW = epsilon.size(3);
        int k = conf.getKernel();
        INDArray outputGradient = epsilon.dup('c').reshape('c', n, conf.getNOut(), outH * outW);
        INDArray kernelGradient = Nd4j.matmul(outputGradient, columns(x), false, true, false)
                .reshape('c', n, conf.getNOut() * conf.patchSize());
        INDArray biasGradient = conf.isExpertBias() ? outputGradient.sum(2) : null;
        INDArray columnGradient = Nd4j.matmul(kernels, outputGradient, true, false, false)
                .reshape('c', n, conf.getNIn(), k, k, outH, outW);
        INDArray inputGradient = workspaceMgr.create(ArrayType.ACTIVATION_GRAD, dataType, x.shape(), 'c');
        Convolution.col2im(columnGradient, inputGradient, conf.getStride(), conf.getStride(), conf.getPadding(),
                conf.getPadding(), (int) x.size(2), (int) x.size(3), 1, 1);
        return new ConvolutionGradients(kernelGradient, biasGradient, inputGradient);
    }

    /** [N, C, H, W] as one image of N·C channels, the examples as groups. */
    private static INDArray asGroups(INDArray array) {
        return array.reshape('c', 1, array.size(0) * array.size(1), array.size(2), array.size(3));
    }

    private ConvolutionGeometry groupedGeometry(INDArray grouped, long batch) {
        KernelMixtureConvolution conf = layerConf();
        int k = conf.getKernel();
        int s = conf.getStride();
        int p = conf.getPadding();
        return ConvolutionGeometry.of(grouped, batch * conf.getNOut(), new int[] {k, k}, new int[] {s, s},
                new int[] {p, p}, new int[] {1, 1}, ConvolutionMode.Truncate, conf.isExpertBias(), (int) batch);
    }

    /** Global average → (reduce → ReLU) → route → gate(z / T). */
    private Routing route(INDArray x, boolean training, LayerWorkspaceMgr workspaceMgr) {
        KernelMixtureConvolution conf = layerConf();
        INDArray pooled = Nd4j.createUninitialized(dataType, x.size(0), x.size(1));
        RowOps.mean(RowOps.rows(RowOps.contiguous(x)), pooled);
        INDArray hiddenPre = null;
        INDArray routeInput = pooled;
        if (conf.getHiddenWidth() > 0) {
            hiddenPre = linear(pooled, REDUCE_WEIGHT, REDUCE_BIAS, training, workspaceMgr);
            routeInput = Transforms.relu(hiddenPre, true);
        }
        INDArray logits = linear(routeInput, ROUTE_WEIGHT, ROUTE_BIAS, training, workspaceMgr).divi(conf.getTemperature());
        INDArray gates = switch (conf.getGate()) {
            case SIGMOID -> Transforms.sigmoid(logits, false);
            case SOFTMAX -> Activation.SOFTMAX.getActivationFunction().getActivation(logits, training);
        };
        return new Routing(pooled, hiddenPre, routeInput, gates);
    }

    /** {@code in Wᵀ + b} with torch's [out, in] weight. */
    private INDArray linear(INDArray in, String weight, String bias, boolean training, LayerWorkspaceMgr workspaceMgr) {
        return Nd4j.matmul(in, getParamWithNoise(weight, training, workspaceMgr), false, true, false)
                .addiRowVector(getParamWithNoise(bias, training, workspaceMgr));
    }

    /** The gradient of the routing logits z (before the division by T) from that of the gates. */
    private INDArray logitGradient(INDArray gates, INDArray gateGradient) {
        INDArray scaled = switch (layerConf().getGate()) {
            case SIGMOID -> gateGradient.mul(gates).muli(gates.rsub(1.0));
            case SOFTMAX -> gates.mul(gateGradient.subColumnVector(gates.mul(gateGradient).sum(true, 1)));
        };
        return scaled.divi(layerConf().getTemperature());
    }

    /** Writes the routing layers' gradients and returns that of the pooled input. */
    private INDArray routingBackward(Routing routing, INDArray logitGradient, LayerWorkspaceMgr workspaceMgr) {
        gradientViews.get(ROUTE_WEIGHT).assign(Nd4j.matmul(logitGradient, routing.routeInput(), true, false, false));
        gradientViews.get(ROUTE_BIAS).assign(logitGradient.sum(true, 0));
        INDArray routeInputGradient = logitGradient.mmul(getParamWithNoise(ROUTE_WEIGHT, true, workspaceMgr));
        if (routing.hiddenPre() == null) {
            return routeInputGradient;
        }
        INDArray preGradient = routeInputGradient.muli(routing.hiddenPre().gt(0.0).castTo(dataType));
        gradientViews.get(REDUCE_WEIGHT).assign(Nd4j.matmul(preGradient, routing.pooled(), true, false, false));
        gradientViews.get(REDUCE_BIAS).assign(preGradient.sum(true, 0));
        return preGradient.mmul(getParamWithNoise(REDUCE_WEIGHT, true, workspaceMgr));
    }

    /** The per-example kernels {@code a · Experts} as [N, out, C·k·k]. */
    private INDArray mixedKernels(INDArray gates, boolean training, LayerWorkspaceMgr workspaceMgr) {
        KernelMixtureConvolution conf = layerConf();
        return gates.mmul(getParamWithNoise(EXPERT_WEIGHT, training, workspaceMgr))
                .reshape('c', gates.size(0), conf.getNOut(), conf.patchSize());
    }

    /** im2col of the input, [N, C, k, k, oH, oW], as [N, C·k·k, oH·oW]. */
    private INDArray columns(INDArray x) {
        KernelMixtureConvolution conf = layerConf();
        int k = conf.getKernel();
        long outH = conf.outputSize(x.size(2));
        long outW = conf.outputSize(x.size(3));
        INDArray columns = Nd4j.create(dataType, x.size(0), conf.getNIn(), k, k, outH, outW);
        Convolution.im2col(x, k, k, conf.getStride(), conf.getStride(), conf.getPadding(), conf.getPadding(), 1, 1,
                false, columns);
        return columns.reshape('c', x.size(0), conf.patchSize(), outH * outW);
    }
}
