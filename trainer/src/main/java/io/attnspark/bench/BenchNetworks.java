package io.attnspark.bench;

import io.attnspark.model.ModelSpec;
import io.attnspark.train.Trainer;
import io.attnspark.train.config.RecipeConfig;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;

/** Networks and fixed random batches set up as the trainer runs them, so that timings transfer to training. */
public final class BenchNetworks {

    private BenchNetworks() { }

    /** The trainer's network settings with the default recipe (FLOAT, Nesterov SGD, workspaces, CacheMode.DEVICE). */
    public static NeuralNetConfiguration.Builder trainerSettings() {
        return Trainer.baseConfiguration(RecipeConfig.defaults(), 256);
    }

    /** The network exactly as the trainer configures it with the default recipe. */
    public static ComputationGraph build(ModelSpec spec) {
        var network = new ComputationGraph(Trainer.configure(spec.resolve(), RecipeConfig.defaults(), 256));
        network.init();
        return network;
    }

    /** A batch of uniform random images with random one-hot labels, the same every call for a given seed. */
    public static DataSet randomBatch(ModelSpec spec, int batch, long seed) {
        Nd4j.getRandom().setSeed(seed);
        INDArray images = Nd4j.rand(DataType.FLOAT, batch, 3, spec.imageSize(), spec.imageSize());
        INDArray labels = Nd4j.zeros(DataType.FLOAT, batch, spec.numClasses());
        for (int i = 0; i < batch; i++) {
            labels.putScalar(i, Nd4j.getRandom().nextInt(spec.numClasses()), 1f);
        }
        return new DataSet(images, labels);
    }
}
