package io.attnspark.model.layer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.inputs.InvalidInputTypeException;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.graph.vertex.GraphVertex;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Input and output types of {@link ChannelAvgMaxPoolVertex} and {@link GlobalAvgMaxPoolVertex}, and the backward pass
 * on ties (the CBAM fixtures, random floats, have none), over several examples and many channels, and after its input
 * changed.
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

    /** 11 examples. */
    @Test
    void channelPoolingMatchesItsDefinitionOverSeveralChunks() {
        Nd4j.getRandom().setSeed(7);
        INDArray x = Nd4j.randn(DataType.FLOAT, 11, 5, 3, 4);
        INDArray upstream = Nd4j.randn(DataType.FLOAT, 11, 2, 3, 4);
        var pool = vertex(new ChannelAvgMaxPoolVertex(), x);

        INDArray out = pool.doForward(true, LayerWorkspaceMgr.noWorkspaces());
        pool.setEpsilon(upstream);
        INDArray dx = pool.doBackward(false, LayerWorkspaceMgr.noWorkspaces()).getSecond()[0];

        INDArray expected = Nd4j.concat(1, x.mean(true, 1), x.max(true, 1));
        assertTrue(expected.equalsWithEps(out, 1e-6), "forward\n" + out + "\nexpected\n" + expected);
        INDArray expectedDx = referenceChannelGradient(x, upstream);
        assertTrue(expectedDx.equalsWithEps(dx, 1e-6), "backward\n" + dx + "\nexpected\n" + expectedDx);
    }

    /**
     * 300 channels of values in {0, 1, 2}: ties at every position, and more channels than one byte can index (the
     * float path's oneDNN pooling records each maximum's channel).
     */
    @Test
    void channelPoolingOfManyTiedChannelsMatchesItsDefinition() {
        Nd4j.getRandom().setSeed(11);
        INDArray x = Nd4j.rand(DataType.FLOAT, 3, 300, 2, 5).muli(3).castTo(DataType.INT32).castTo(DataType.FLOAT);
        INDArray upstream = Nd4j.randn(DataType.FLOAT, 3, 2, 2, 5);
        var pool = vertex(new ChannelAvgMaxPoolVertex(), x);

        INDArray out = pool.doForward(true, LayerWorkspaceMgr.noWorkspaces());
        pool.setEpsilon(upstream);
        INDArray dx = pool.doBackward(false, LayerWorkspaceMgr.noWorkspaces()).getSecond()[0];

        INDArray expected = Nd4j.concat(1, x.mean(true, 1), x.max(true, 1));
        assertTrue(expected.equalsWithEps(out, 1e-6), "forward\n" + out + "\nexpected\n" + expected);
        INDArray expectedDx = referenceChannelGradient(x, upstream);
        assertTrue(expectedDx.equalsWithEps(dx, 1e-6), "backward\n" + dx + "\nexpected\n" + expectedDx);
    }

    /** Backward reuses the maxima forward found only for the input forward saw. */
    @Test
    void maxGradientFollowsAnInputSetAfterTheForwardPass() {
        INDArray first = Nd4j.createFromArray(new float[] {1, 0, 0, 1}).reshape(1, 2, 1, 2);
        INDArray second = Nd4j.createFromArray(new float[] {0, 1, 1, 0}).reshape(1, 2, 1, 2);
        INDArray upstream = Nd4j.createFromArray(new float[] {0, 0, 1, 1}).reshape(1, 2, 1, 2);
        var pool = vertex(new ChannelAvgMaxPoolVertex(), first);
        pool.doForward(true, LayerWorkspaceMgr.noWorkspaces());

        pool.setInputs(second);
        pool.setEpsilon(upstream);

        assertEquals(Nd4j.createFromArray(new float[] {0, 1, 1, 0}).reshape(1, 2, 1, 2),
                pool.doBackward(false, LayerWorkspaceMgr.noWorkspaces()).getSecond()[0]);
    }

    /** dx[n,c,p] = upstream[n,0,p] / C, plus upstream[n,1,p] where c is the first maximum of x[n,:,p]. */
    private static INDArray referenceChannelGradient(INDArray x, INDArray upstream) {
        long channels = x.size(1);
        long positions = x.size(2) * x.size(3);
        INDArray flatX = x.reshape(x.size(0), channels, positions);
        INDArray flatUp = upstream.reshape(x.size(0), 2, positions);
        INDArray dx = Nd4j.create(DataType.FLOAT, x.size(0), channels, positions);
        for (long n = 0; n < x.size(0); n++) {
            for (long p = 0; p < positions; p++) {
                long first = 0;
                for (long c = 0; c < channels; c++) {
                    dx.putScalar(new long[] {n, c, p}, flatUp.getDouble(n, 0, p) / channels);
                    if (flatX.getDouble(n, c, p) > flatX.getDouble(n, first, p)) {
                        first = c;
                    }
                }
                dx.putScalar(new long[] {n, first, p}, dx.getDouble(n, first, p) + flatUp.getDouble(n, 1, p));
            }
        }
        return dx.reshape(x.shape());
    }

    private static GraphVertex vertex(ParameterFreeVertex vertex, INDArray x) {
        var configuration = new NeuralNetConfiguration.Builder().graphBuilder().addInputs("in")
                .setInputTypes(InputType.convolutional(x.size(2), x.size(3), x.size(1)))
                .addVertex("pool", vertex, "in").setOutputs("pool").build();
        var net = new ComputationGraph(configuration);
        net.init();
        var pool = net.getVertex("pool");
        pool.setInputs(x);
        return pool;
    }

    private static INDArray backward(ParameterFreeVertex vertex, INDArray x, INDArray upstream) {
        var pool = vertex(vertex, x);
        pool.doForward(true, LayerWorkspaceMgr.noWorkspaces());
        pool.setEpsilon(upstream);
        return pool.doBackward(false, LayerWorkspaceMgr.noWorkspaces()).getSecond()[0];
    }
}
