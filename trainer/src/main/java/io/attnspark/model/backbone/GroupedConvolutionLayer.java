package io.attnspark.model.backbone;

import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.gradient.DefaultGradient;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.layers.BaseLayer;
import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.DynamicCustomOp;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.INDArrayIndex;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * Runtime of {@link GroupedConvolution}: one native {@code conv2d} (and {@code conv2d_bp} backward) per group,
 * each on its slice of the input channels and of the weight's output channels. The backward pass is written out
 * rather than derived by SameDiff, whose custom layers double the incoming gradient in this DL4J version.
 */
public class GroupedConvolutionLayer extends BaseLayer<GroupedConvolution> {

    /** libnd4j conv2d integer argument for weights laid out [out, in, kH, kW] (torch's OIHW). */
    private static final int WEIGHTS_OIHW = 1;
    private static final int NCHW = 0;
    private static final int EXPLICIT_PADDING = 0;

    public GroupedConvolutionLayer(NeuralNetConfiguration conf, DataType dataType) {
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

    @Override
    public INDArray activate(boolean training, LayerWorkspaceMgr workspaceMgr) {
        assertInputSet(false);
        applyDropOutIfNecessary(training, workspaceMgr);
        GroupedConvolution conf = layerConf();
        INDArray x = input.castTo(dataType);
        INDArray weights = getParamWithNoise(GroupedConvolution.WEIGHT_KEY, training, workspaceMgr);
        long outH = conf.outputSize(x.size(2));
        long outW = conf.outputSize(x.size(3));
        INDArray output = workspaceMgr.create(ArrayType.ACTIVATIONS, dataType,
                new long[] {x.size(0), conf.getNOut(), outH, outW}, 'c');
        for (int g = 0; g < conf.getGroups(); g++) {
            INDArray groupOutput = Nd4j.create(dataType, x.size(0), outChannelsPerGroup(), outH, outW);
            Nd4j.exec(DynamicCustomOp.builder("conv2d")
                    .addInputs(inputGroup(x, g), weightGroup(weights, g))
                    .addOutputs(groupOutput)
                    .addIntegerArguments(convArguments())
                    .build());
            output.get(channels(g, outChannelsPerGroup())).assign(groupOutput);
        }
        return output;
    }

    @Override
    public Pair<Gradient, INDArray> backpropGradient(INDArray epsilon, LayerWorkspaceMgr workspaceMgr) {
        assertInputSet(true);
        GroupedConvolution conf = layerConf();
        INDArray x = input.castTo(dataType);
        INDArray weights = getParamWithNoise(GroupedConvolution.WEIGHT_KEY, true, workspaceMgr);
        INDArray inputGradient = workspaceMgr.create(ArrayType.ACTIVATION_GRAD, dataType, x.shape(), 'c');
        INDArray weightGradient = gradientViews.get(GroupedConvolution.WEIGHT_KEY);
        for (int g = 0; g < conf.getGroups(); g++) {
            INDArray groupInput = inputGroup(x, g);
            INDArray groupWeights = weightGroup(weights, g);
            INDArray groupInputGradient = Nd4j.create(dataType, groupInput.shape());
            INDArray groupWeightGradient = Nd4j.create(dataType, groupWeights.shape());
            Nd4j.exec(DynamicCustomOp.builder("conv2d_bp")
                    .addInputs(groupInput, groupWeights, epsilon.get(channels(g, outChannelsPerGroup())).dup('c'))
                    .addOutputs(groupInputGradient, groupWeightGradient)
                    .addIntegerArguments(convArguments())
                    .build());
            inputGradient.get(channels(g, inChannelsPerGroup())).assign(groupInputGradient);
            weightGradient.get(rows(g, outChannelsPerGroup())).assign(groupWeightGradient);
        }
        Gradient gradient = new DefaultGradient();
        gradient.gradientForVariable().put(GroupedConvolution.WEIGHT_KEY, weightGradient);
        weightNoiseParams.clear();
        return new Pair<>(gradient, workspaceMgr.leverageTo(ArrayType.ACTIVATION_GRAD, inputGradient));
    }

    private int[] convArguments() {
        GroupedConvolution conf = layerConf();
        return new int[] {conf.getKernel(), conf.getKernel(), conf.getStride(), conf.getStride(),
                conf.getPadding(), conf.getPadding(), 1, 1, EXPLICIT_PADDING, NCHW, WEIGHTS_OIHW};
    }

    private long inChannelsPerGroup() {
        return layerConf().getNIn() / layerConf().getGroups();
    }

    private long outChannelsPerGroup() {
        return layerConf().getNOut() / layerConf().getGroups();
    }

    private INDArray inputGroup(INDArray x, int group) {
        return x.get(channels(group, inChannelsPerGroup())).dup('c');
    }

    private INDArray weightGroup(INDArray weights, int group) {
        return weights.get(rows(group, outChannelsPerGroup())).dup('c');
    }

    /** Channels [group * size, (group + 1) * size) of an NCHW array. */
    private static INDArrayIndex[] channels(int group, long size) {
        return new INDArrayIndex[] {NDArrayIndex.all(), NDArrayIndex.interval(group * size, (group + 1) * size),
                NDArrayIndex.all(), NDArrayIndex.all()};
    }

    /** Rows [group * size, (group + 1) * size) along the first axis. */
    private static INDArrayIndex[] rows(int group, long size) {
        return new INDArrayIndex[] {NDArrayIndex.interval(group * size, (group + 1) * size),
                NDArrayIndex.all(), NDArrayIndex.all(), NDArrayIndex.all()};
    }
}
