package io.attnspark.model.layer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.inputs.InvalidInputTypeException;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Input and output types of {@link ChannelAvgMaxPoolVertex} and {@link GlobalAvgMaxPoolVertex}, and the backward pass
 * on ties (the CBAM fixtures, random floats, have none).
 */
class AvgMaxPoolVertexTest {

    private final InputType x = InputType.convolutional(5, 7, 24);

    @Test
    void channelPoolingGivesTwoMapsOfTheInputSize() {
        assertEquals(InputType.convolutional(5, 7, 2), new ChannelAvgMaxPoolVertex().getOutputType(0, x));
    }

    @Test
    void globalPoolingGivesTheTwoDescriptorsSideBySide() {
        assertEquals(InputType.convolutional(1, 2, 24), new GlobalAvgMaxPoolVertex().getOutputType(0, x));
    }

    @Test
    void nonConvolutionalOrChannelsLastInputIsRejected() {
        assertThrows(InvalidInputTypeException.class, () -> new ChannelAvgMaxPoolVertex().getOutputType(0, InputType.feedForward(24)));
        assertThrows(InvalidInputTypeException.class,
                () -> new GlobalAvgMaxPoolVertex().getOutputType(0, InputType.convolutional(5, 7, 24, CNN2DFormat.NHWC)));
    }

    /**
     * torch: x [1,3,1,2] = [[1, 5], [1, 5], [0, 5]] over channels, loss = sum(max_c x) + sum(mean_c x · [2, 3]);
     * {@code x.grad} = [[5/3, 2], [2/3, 1], [2/3, 1]]: the max's gradient goes to the first of the tied channels.
     */
    @Test
    void maxGradientGoesToTheFirstOfTiedMaxima() {
        INDArray x = Nd4j.createFromArray(new float[] {1, 5, 1, 5, 0, 5}).reshape(1, 3, 1, 2);
        INDArray upstream = Nd4j.createFromArray(new float[] {2, 3, 1, 1}).reshape(1, 2, 1, 2);
        INDArray expected = Nd4j.createFromArray(new float[] {5f / 3, 2, 2f / 3, 1, 2f / 3, 1}).reshape(1, 3, 1, 2);
        assertEquals(expected, backward(new ChannelAvgMaxPoolVertex(), x, upstream));

        // over positions: x [1,2,1,3] = [[4, 4, 1], [0, 2, 2]], upstream [mean, max] per channel = [[3, 1], [6, 2]]
        INDArray spatial = Nd4j.createFromArray(new float[] {4, 4, 1, 0, 2, 2}).reshape(1, 2, 1, 3);
        INDArray perChannel = Nd4j.createFromArray(new float[] {3, 1, 6, 2}).reshape(1, 2, 1, 2);
        INDArray expectedSpatial = Nd4j.createFromArray(new float[] {2, 1, 1, 2, 4, 2}).reshape(1, 2, 1, 3);
        assertEquals(expectedSpatial, backward(new GlobalAvgMaxPoolVertex(), spatial, perChannel));
    }

    private static INDArray backward(ParameterFreeVertex vertex, INDArray x, INDArray upstream) {
        var configuration = new NeuralNetConfiguration.Builder().graphBuilder().addInputs("in")
                .setInputTypes(InputType.convolutional(x.size(2), x.size(3), x.size(1)))
                .addVertex("pool", vertex, "in").setOutputs("pool").build();
        var net = new ComputationGraph(configuration);
        net.init();
        var pool = net.getVertex("pool");
        pool.setInputs(x);
        pool.doForward(true, LayerWorkspaceMgr.noWorkspaces());
        pool.setEpsilon(upstream);
        return pool.doBackward(false, LayerWorkspaceMgr.noWorkspaces()).getSecond()[0];
    }
}
