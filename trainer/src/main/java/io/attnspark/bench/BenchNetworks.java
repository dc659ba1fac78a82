package io.attnspark.bench;

import io.attnspark.model.ModelSpec;
import io.attnspark.model.Models;
import org.deeplearning4j.nn.conf.CacheMode;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.WorkspaceMode;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Nesterovs;

/** Networks and fixed random batches set up as the trainer runs them, so that timings transfer to training. */
public final class BenchNetworks {

    private BenchNetworks() { }

    /**
     * The trainer's network settings (Trainer.baseConfiguration with the default SGD recipe): FLOAT, Nesterov SGD with
     * L2, workspaces ENABLED and CacheMode.DEVICE. The learning rate does not change the speed.
     */
    public static NeuralNetConfiguration.Builder trainerSettings(long seed) {
        return new NeuralNetConfiguration.Builder().seed(seed).dataType(DataType.FLOAT)
                .updater(new Nesterovs(0.01, 0.9)).l2(1e-4)
                .trainingWorkspaceMode(WorkspaceMode.ENABLED)
                .inferenceWorkspaceMode(WorkspaceMode.ENABLED)
                // without DEVICE, every conv backward pass recomputes its forward pass
                .cacheMode(CacheMode.DEVICE);
    }

    public static ComputationGraph build(ModelSpec spec) {
        return Models.build(spec, trainerSettings(42));
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
