package io.attnspark.model.layer;

import static org.junit.jupiter.api.Assertions.assertTrue;

import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.LossLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.transforms.custom.SoftMax;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.NoOp;
import org.nd4j.linalg.lossfunctions.LossFunctions.LossFunction;

/**
 * {@link AttentionPoolVertex} over a batch of 11, which its products take in two chunks (8 + 3): the context against
 * the softmax-weighted sum written out example by example, and the gradients against finite differences.
 */
class AttentionPoolVertexTest {

    private static final long[] SHAPE = {11, 3, 4, 5};

    /** x and the 1x1 conv's logits of x into the pool, then MSE on the [N, C] context; in double */
    private static ComputationGraph network() {
        var net = new ComputationGraph(new NeuralNetConfiguration.Builder().dataType(DataType.DOUBLE).seed(7)
                .updater(new NoOp()).graphBuilder().addInputs("x")
                .setInputTypes(InputType.convolutional(SHAPE[2], SHAPE[3], SHAPE[1]))
                .addLayer("mask", new ConvolutionLayer.Builder(1, 1).nOut(1).hasBias(true)
                        .activation(Activation.IDENTITY).build(), "x")
                .addVertex("pool", new AttentionPoolVertex(), "x", "mask")
                .addLayer("loss", new LossLayer.Builder(LossFunction.MSE).activation(Activation.IDENTITY).build(), "pool")
                .setOutputs("loss").build());
        net.init();
        return net;
    }

    @Test
    void contextIsTheSoftmaxWeightedSumOfEachExamplesPositions() {
        ComputationGraph net = network();
        Nd4j.getRandom().setSeed(2);
        INDArray x = Nd4j.randn(DataType.DOUBLE, SHAPE);

        var activations = net.feedForward(x, false);
        INDArray context = activations.get("pool");

        long positions = SHAPE[2] * SHAPE[3];
        INDArray logits = activations.get("mask").reshape(SHAPE[0], positions);
        INDArray weights = Nd4j.exec(new SoftMax(logits.dup(), logits.dup(), 1))[0];
        double error = 0;
        for (int n = 0; n < SHAPE[0]; n++) {
            INDArray expected = x.slice(n).reshape(SHAPE[1], positions).mmul(weights.getRow(n).reshape(positions, 1));
            error = Math.max(error, expected.reshape(-1).sub(context.getRow(n)).amaxNumber().doubleValue());
        }
        assertTrue(error < 1e-12, "max abs error " + error);
    }

    @Test
    void gradientsMatchFiniteDifferencesAcrossBatchChunks() {
        GradientChecks.assertPass(() -> {
            ComputationGraph net = network();
            Nd4j.getRandom().setSeed(4);
            INDArray x = Nd4j.randn(DataType.DOUBLE, SHAPE);
            return GradientChecks.of(net, x, Nd4j.randn(DataType.DOUBLE, SHAPE[0], SHAPE[1]));
        });
    }
}
