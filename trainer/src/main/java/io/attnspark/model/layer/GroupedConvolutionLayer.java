package io.attnspark.model.layer;

import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.gradient.DefaultGradient;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.broadcast.BroadcastAddOp;
import org.nd4j.linalg.convolution.Convolution;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Runtime of {@link GroupedConvolution}. A 1×1 convolution to one channel is a matrix product with a block-diagonal
 * weight ({@link PointwiseProjection}). Other float convolutions on CPU are one oneDNN grouped (or depthwise, or
 * dilated) convolution ({@link OneDnnConvolution}). Otherwise (double precision, GPU backends): im2col once (dilated as
 * configured), then one batched matrix product over the groups ({@code [G, out/G, in/G·k·k] x [G, in/G·k·k, N·oH·oW]});
 * backward is the two transposed products and col2im (the bias gradient is the output gradient summed over batch and
 * positions). That is DL4J's own im2col convolution with a group axis, holding an N x C x k x k x oH x oW buffer.
 * The backward pass is written out rather than derived by SameDiff, whose custom layers double the incoming
 * gradient in this DL4J version.
 */
public class GroupedConvolutionLayer extends HandWrittenRuntimeLayer<GroupedConvolution> {

    public GroupedConvolutionLayer(NeuralNetConfiguration conf, DataType dataType) {
        super(conf, dataType);
    }

    @Override
    public INDArray activate(boolean training, LayerWorkspaceMgr workspaceMgr) {
        assertInputSet(false);
        applyDropOutIfNecessary(training, workspaceMgr);
        GroupedConvolution conf = layerConf();
        INDArray x = input.castTo(dataType);
        long n = x.size(0);
        long outH = conf.outputSize(x.size(2));
        long outW = conf.outputSize(x.size(3));
        // every path below writes all of it
        INDArray output = workspaceMgr.createUninitialized(ArrayType.ACTIVATIONS, dataType,
                new long[] {n, conf.getNOut(), outH, outW}, 'c');
        if (PointwiseProjection.suits(conf)) {
            PointwiseProjection.forward(x, getParamWithNoise(GroupedConvolution.WEIGHT_KEY, training, workspaceMgr),
                    conf.isHasBias() ? getParamWithNoise(GroupedConvolution.BIAS_KEY, training, workspaceMgr) : null, output);
            return output;
        }
        if (OneDnn.runs(x)) {
            OneDnnConvolution.plan(geometry(x)).forward(x, getParamWithNoise(GroupedConvolution.WEIGHT_KEY, training,
                    workspaceMgr), conf.isHasBias() ? getParamWithNoise(GroupedConvolution.BIAS_KEY, training,
                    workspaceMgr) : null, output, workspaceMgr);
            return output;
        }
        INDArray product = Nd4j.matmul(groupedWeights(training, workspaceMgr), groupedColumns(x));
        // [G, out/G, N, P] -> [N, G, out/G, P], P = oH * oW
        output.reshape('c', n, conf.getGroups(), outPerGroup(), outH * outW)
                .assign(product.reshape('c', conf.getGroups(), outPerGroup(), n, outH * outW).permute(2, 0, 1, 3));
        if (conf.isHasBias()) {
            Nd4j.getExecutioner().exec(new BroadcastAddOp(output, getParamWithNoise(GroupedConvolution.BIAS_KEY,
                    training, workspaceMgr).reshape(conf.getNOut()), output, 1));
        }
        return output;
    }

    @Override
    public Pair<Gradient, INDArray> backpropGradient(INDArray epsilon, LayerWorkspaceMgr workspaceMgr) {
        assertInputSet(true);
        GroupedConvolution conf = layerConf();
        INDArray x = input.castTo(dataType);
        boolean throughOneDnn = !PointwiseProjection.suits(conf) && OneDnn.runs(x, epsilon);
        boolean throughColumns = !PointwiseProjection.suits(conf) && !throughOneDnn;
        // col2im adds into the input gradient; the other paths write every element
        INDArray inputGradient = throughColumns ? workspaceMgr.create(ArrayType.ACTIVATION_GRAD, dataType, x.shape(), 'c')
                : workspaceMgr.createUninitialized(ArrayType.ACTIVATION_GRAD, dataType, x.shape(), 'c');
        INDArray weightGradient = gradientViews.get(GroupedConvolution.WEIGHT_KEY);
        INDArray biasGradient = conf.isHasBias() ? gradientViews.get(GroupedConvolution.BIAS_KEY) : null;
        if (PointwiseProjection.suits(conf)) {
            PointwiseProjection.backward(x, getParamWithNoise(GroupedConvolution.WEIGHT_KEY, true, workspaceMgr),
                    epsilon, inputGradient, weightGradient, biasGradient);
        } else if (throughOneDnn) {
            OneDnnConvolution.plan(geometry(x)).backward(x, getParamWithNoise(GroupedConvolution.WEIGHT_KEY, true,
                    workspaceMgr), epsilon, inputGradient, weightGradient, biasGradient, workspaceMgr);
        } else {
            backpropThroughColumns(x, epsilon, workspaceMgr, inputGradient, weightGradient);
            if (biasGradient != null) {
                biasGradient.assign(epsilon.sum(0, 2, 3).reshape(biasGradient.shape()));
            }
        }
        Gradient gradient = new DefaultGradient();
        gradient.gradientForVariable().put(GroupedConvolution.WEIGHT_KEY, weightGradient);
        if (biasGradient != null) {
            gradient.gradientForVariable().put(GroupedConvolution.BIAS_KEY, biasGradient);
        }
        weightNoiseParams.clear();
        return new Pair<>(gradient, inputGradient);
    }

    /** im2col's backward: the weight gradient from the columns, the input gradient by col2im (zeroed beforehand). */
    private void backpropThroughColumns(INDArray x, INDArray epsilon, LayerWorkspaceMgr workspaceMgr,
            INDArray inputGradient, INDArray weightGradient) {
        GroupedConvolution conf = layerConf();
        int k = conf.getKernel();
        long n = x.size(0);
        long outH = epsilon.size(2);
        long outW = epsilon.size(3);
        int groups = conf.getGroups();
        // [N, G, out/G, P] -> [G, out/G, N * P], the layout of the forward product
        INDArray outputGradient = epsilon.dup('c').reshape('c', n, groups, outPerGroup(), outH * outW)
                .permute(1, 2, 0, 3).dup('c').reshape('c', groups, outPerGroup(), n * outH * outW);
        weightGradient.assign(Nd4j.matmul(outputGradient, groupedColumns(x), false, true, false)
                .reshape('c', weightGradient.shape()));
        INDArray columnGradient = Nd4j.matmul(groupedWeights(true, workspaceMgr), outputGradient, true, false, false)
                .reshape('c', groups, patchSize(), n, outH * outW).permute(2, 0, 1, 3).dup('c')
                .reshape('c', n, conf.getNIn(), k, k, outH, outW);
        Convolution.col2im(columnGradient, inputGradient, conf.getStride(), conf.getStride(), conf.getPadding(),
                conf.getPadding(), (int) x.size(2), (int) x.size(3), conf.getDilation(), conf.getDilation());
    }

    /** The weight [out, in/G, k, k] viewed as [G, out/G, in/G·k·k] (torch's order groups the output channels). */
    private INDArray groupedWeights(boolean training, LayerWorkspaceMgr workspaceMgr) {
        INDArray weights = getParamWithNoise(GroupedConvolution.WEIGHT_KEY, training, workspaceMgr);
        return weights.reshape('c', layerConf().getGroups(), outPerGroup(), patchSize());
    }

    /** im2col of the input, [N, C, k, k, oH, oW], regrouped as [G, in/G·k·k, N·oH·oW]. */
    private INDArray groupedColumns(INDArray x) {
        GroupedConvolution conf = layerConf();
        int k = conf.getKernel();
        long n = x.size(0);
        long outH = conf.outputSize(x.size(2));
        long outW = conf.outputSize(x.size(3));
        INDArray columns = Nd4j.create(dataType, n, conf.getNIn(), k, k, outH, outW);
        Convolution.im2col(x, k, k, conf.getStride(), conf.getStride(), conf.getPadding(), conf.getPadding(),
                conf.getDilation(), conf.getDilation(), false, columns);
        return columns.reshape('c', n, conf.getGroups(), patchSize(), outH * outW).permute(1, 2, 0, 3).dup('c')
                .reshape('c', conf.getGroups(), patchSize(), n * outH * outW);
    }

    private ConvolutionGeometry geometry(INDArray x) {
        GroupedConvolution conf = layerConf();
        int k = conf.getKernel();
        int s = conf.getStride();
        int p = conf.getPadding();
        int d = conf.getDilation();
        return ConvolutionGeometry.of(x, conf.getNOut(), new int[] {k, k}, new int[] {s, s}, new int[] {p, p},
                new int[] {d, d}, ConvolutionMode.Truncate, conf.isHasBias(), conf.getGroups());
    }

    private long outPerGroup() {
        return layerConf().getNOut() / layerConf().getGroups();
    }

    /** Inputs of one output value: in/G channels times the kernel window. */
    private long patchSize() {
        GroupedConvolution conf = layerConf();
        return conf.getNIn() / conf.getGroups() * conf.getKernel() * conf.getKernel();
    }
}
