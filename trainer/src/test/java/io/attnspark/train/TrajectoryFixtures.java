package io.attnspark.train;

import io.attnspark.model.ModelSpec;
import io.attnspark.model.Models;
import io.attnspark.model.attention.TorchStateDict;
import io.attnspark.train.config.ConfigLoader;
import io.attnspark.train.config.RecipeConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * The PyTorch trajectories of src/test/python/make_trajectory_fixtures.py and the attnspark side of them: the same
 * networks (ResNet-18 at width 1/16, small stem, 32 px, 10 classes, each module at its default placement with the
 * script's options), the same recipe keys, the same ten batches, and the torch initial weights loaded into the network
 * that {@link Trainer#configure} builds.
 */
final class TrajectoryFixtures {

    static final int BATCH = 8;
    /** The modules' options that the torch classes were built with (the seed's SE, CBAM, SK; GC with ratio 1). */
    private static final Map<String, Map<String, Object>> OPTIONS = Map.of(
            "se", Map.of("reduction", 4), "cbam", Map.of("reduction", 4), "gc", Map.of("reduction", 1),
            "sk", Map.of("reduction", 2));

    /** The arrays of a trajectory file that are not part of its state dict. */
    private static final Set<String> TRAJECTORY_KEYS = Set.of("order", "lr", "loss", "loss64", "l2", "round_score");

    private TrajectoryFixtures() { }

    /** The largest difference of one parameter tensor, relative to that tensor's largest magnitude. */
    record ParameterDifference(String parameter, double relative) { }

    static Map<String, INDArray> npz(String name) {
        try {
            return TorchStateDict.readNpz(Path.of(TrajectoryFixtures.class.getResource("/fixtures/trajectory/" + name).toURI()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    static ModelSpec spec(String network) {
        String attention = "plain".equals(network) ? ModelSpec.NONE : network;
        return new ModelSpec("resnet18", 1.0 / 16, 10, 32, true, attention, OPTIONS.getOrDefault(network, Map.of()));
    }

    /** The script's recipe (its LR, MOMENTUM, WEIGHT_DECAY, SMOOTHING and WARMUP_EPOCHS) over {@code epochs}. */
    static RecipeConfig recipe(int epochs) {
        return ConfigLoader.load(null, List.of("data.path=x", "recipe.epochs=" + epochs, "recipe.lr=0.16",
                "recipe.momentum=0.9", "recipe.weightDecay=5e-4", "recipe.labelSmoothing=0.1", "recipe.warmupEpochs=2",
                "recipe.schedule=cosine", "recipe.optimizer=sgd")).recipe();
    }

    /** The trainer's network for {@code globalBatch}, with torch's initial weights. */
    static ComputationGraph network(String network, RecipeConfig recipe, int globalBatch) {
        ModelSpec spec = spec(network);
        var graph = new ComputationGraph(Trainer.configure(spec.resolve(), recipe, globalBatch));
        graph.init();
        Models.loadTorchWeights(graph, spec.resolve(), npz(network + "_init.npz"));
        return graph;
    }

    /** A network holding the state dict {@code state} (the torch side's parameters and running statistics). */
    static ComputationGraph holding(String network, Map<String, INDArray> state) {
        ModelSpec spec = spec(network);
        var graph = new ComputationGraph(Trainer.configure(spec.resolve(), recipe(8), BATCH));
        graph.init();
        var stateDict = new LinkedHashMap<>(state);
        stateDict.keySet().removeAll(TRAJECTORY_KEYS);
        Models.loadTorchWeights(graph, spec.resolve(), stateDict);
        return graph;
    }

    /** Batch {@code index} of the ten fixed batches. */
    static DataSet batch(Map<String, INDArray> batches, int index) {
        return new DataSet(batches.get("inputs").get(NDArrayIndex.point(index)).dup(),
                batches.get("labels").get(NDArrayIndex.point(index)).dup());
    }

    /** ||actual - expected|| / ||expected|| over every parameter, running statistics included. */
    static double relativeDistance(ComputationGraph actual, ComputationGraph expected) {
        INDArray want = expected.params().castTo(DataType.DOUBLE);
        return actual.params().castTo(DataType.DOUBLE).distance2(want) / want.norm2Number().doubleValue();
    }

    /**
     * The parameter tensor (running statistics included) where {@code actual} differs most from {@code expected},
     * relative to the tensor's largest magnitude (at least 1e-3, for tensors near zero).
     */
    static ParameterDifference worstParameter(ComputationGraph actual, ComputationGraph expected) {
        var worst = new ParameterDifference("", 0);
        for (var entry : expected.paramTable().entrySet()) {
            INDArray want = entry.getValue().castTo(DataType.DOUBLE);
            INDArray got = actual.getParam(entry.getKey()).castTo(DataType.DOUBLE);
            double scale = Math.max(want.amaxNumber().doubleValue(), 1e-3);
            double relative = got.sub(want).amaxNumber().doubleValue() / scale;
            if (relative > worst.relative()) {
                worst = new ParameterDifference(entry.getKey(), relative);
            }
        }
        return worst;
    }
}
