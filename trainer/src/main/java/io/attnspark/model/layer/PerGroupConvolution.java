package io.attnspark.model.layer;

import java.util.ArrayList;
import java.util.List;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.DynamicCustomOp;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.INDArrayIndex;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * A grouped convolution with few groups as one native {@code conv2d} per group, which runs through oneDNN: split
 * attention's radix-2 conv (2 groups) took 3.7x a dense conv of the same FLOPs through im2col, where oneDNN runs each
 * half at a dense conv's pace. Many groups (ResNeXt's 32) stay with im2col, which was 4-5x faster than 32 small
 * native convs; dilated ones too, since M2.1's oneDNN path rejects dilation.
 */
final class PerGroupConvolution {

    /** Up to this many groups, one native conv per group beats im2col. */
    static final int MAX_GROUPS = 4;

    private PerGroupConvolution() { }

    static boolean suits(GroupedConvolution conf) {
        return conf.getGroups() <= MAX_GROUPS && conf.getDilation() == 1;
    }

    /** Writes conv(x) into {@code output} [N, out, oH, oW]; {@code bias} may be null. */
    static void forward(GroupedConvolution conf, INDArray x, INDArray weights, INDArray bias, INDArray output) {
        int groups = conf.getGroups();
        long in = conf.getNIn() / groups;
        long out = conf.getNOut() / groups;
        INDArray biases = bias == null ? null : bias.reshape(-1);
        for (int g = 0; g < groups; g++) {
            INDArray groupOutput = Nd4j.createUninitialized(output.dataType(), output.size(0), out, output.size(2), output.size(3));
            var inputs = new ArrayList<>(List.of(channels(x, g, in), rows(weights, g, out)));
            if (biases != null) {
                inputs.add(rows(biases, g, out));
            }
            Nd4j.exec(DynamicCustomOp.builder("conv2d").addInputs(inputs.toArray(INDArray[]::new)).addOutputs(groupOutput)
                    .addIntegerArguments(arguments(conf)).build());
            output.get(channelRange(g, out)).assign(groupOutput);
        }
    }

    /**
     * Writes the input gradient into {@code inputGradient} and the weight (and bias, unless null) gradients into
     * their views.
     */
    static void backward(GroupedConvolution conf, INDArray x, INDArray weights, INDArray bias, INDArray epsilon,
            INDArray inputGradient, INDArray weightGradient, INDArray biasGradient) {
        int groups = conf.getGroups();
        long in = conf.getNIn() / groups;
        long out = conf.getNOut() / groups;
        INDArray biases = bias == null ? null : bias.reshape(-1);
        for (int g = 0; g < groups; g++) {
            INDArray groupInput = channels(x, g, in);
            INDArray groupWeights = rows(weights, g, out);
            INDArray groupInputGradient = Nd4j.createUninitialized(x.dataType(), groupInput.shape());
            INDArray groupWeightGradient = Nd4j.createUninitialized(x.dataType(), groupWeights.shape());
            var inputs = new ArrayList<>(List.of(groupInput, groupWeights));
            var outputs = new ArrayList<>(List.of(groupInputGradient, groupWeightGradient));
            INDArray groupBiasGradient = null;
            if (biases != null) {
                inputs.add(rows(biases, g, out));
                groupBiasGradient = Nd4j.createUninitialized(x.dataType(), out);
                outputs.add(groupBiasGradient);
            }
            inputs.add(channels(epsilon, g, out));
            Nd4j.exec(DynamicCustomOp.builder("conv2d_bp").addInputs(inputs.toArray(INDArray[]::new))
                    .addOutputs(outputs.toArray(INDArray[]::new)).addIntegerArguments(arguments(conf)).build());
            inputGradient.get(channelRange(g, in)).assign(groupInputGradient);
            rows(weightGradient, g, out).assign(groupWeightGradient);
            if (groupBiasGradient != null) {
                rows(biasGradient.reshape(-1), g, out).assign(groupBiasGradient);
            }
        }
    }

    /** conv2d's integer arguments: kernel, stride, padding, dilation, explicit padding, NCHW, weights [out, in, k, k] */
    private static int[] arguments(GroupedConvolution conf) {
        int k = conf.getKernel();
        int s = conf.getStride();
        int p = conf.getPadding();
        return new int[] {k, k, s, s, p, p, 1, 1, 0, 0, 1};
    }

    /** group g's channels of an NCHW array, contiguous (a copy) */
    private static INDArray channels(INDArray array, int g, long count) {
        return array.get(channelRange(g, count)).dup('c');
    }

    private static INDArrayIndex[] channelRange(int g, long count) {
        return new INDArrayIndex[] {NDArrayIndex.all(), NDArrayIndex.interval(g * count, (g + 1) * count),
                NDArrayIndex.all(), NDArrayIndex.all()};
    }

    /**
     * group g's rows along the first axis (output channels of a weight or bias), a view. Through a [G, rest] matrix:
     * {@code get(interval)} on the first axis of a parameter view returned an empty array for g &gt; 0 in a ResNet-50.
     */
    private static INDArray rows(INDArray array, int g, long count) {
        long groups = array.size(0) / count;
        long[] shape = array.shape().clone();
        shape[0] = count;
        return array.reshape('c', groups, array.length() / groups).getRow(g).reshape('c', shape);
    }
}
