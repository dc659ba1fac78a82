package io.attnspark.train;

import io.attnspark.model.LabelSmoothingCrossEntropy;
import io.attnspark.model.ModelSpec;
import io.attnspark.train.config.ConfigLoader;
import org.deeplearning4j.nn.conf.graph.LayerVertex;
import org.deeplearning4j.nn.conf.layers.BaseLayer;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.LossLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.learning.regularization.L2Regularization;
import org.nd4j.linalg.learning.regularization.WeightDecay;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The recipe reaches the network: optimizer, decay on weights only (never biases or batch norm), label smoothing. */
class RecipeNetworkTest {

    private static final ModelSpec SPEC = new ModelSpec("resnet18", 0.125, 10, 32, true, "se", Map.of("reduction", 2));

    private static List<BaseLayer> layers(String... overrides) {
        var recipe = ConfigLoader.load(null, List.of(overrides)).recipe();
        var conf = Trainer.configure(SPEC.resolve(), recipe, 64);
        var loss = (LossLayer) ((LayerVertex) conf.getVertices().get(ModelSpec.OUTPUT)).getLayerConf().getLayer();
        assertEquals(new LabelSmoothingCrossEntropy(recipe.labelSmoothing()), loss.getLossFn());
        return conf.getVertices().values().stream().filter(LayerVertex.class::isInstance)
                .map(v -> ((LayerVertex) v).getLayerConf().getLayer())
                .filter(l -> l instanceof BaseLayer && !(l instanceof LossLayer)).map(BaseLayer.class::cast).toList();
    }

    @Test
    void sgdDecaysConvAndDenseWeightsOnly() {
        var layers = layers("data.path=x", "recipe.weightDecay=5e-5", "recipe.labelSmoothing=0.1");
        for (var layer : layers) {
            if (layer instanceof BatchNormalization) {
                assertTrue(layer.getRegularizationByParam("gamma") == null || layer.getRegularizationByParam("gamma").isEmpty());
                assertTrue(layer.getRegularizationByParam("beta") == null || layer.getRegularizationByParam("beta").isEmpty());
            } else {
                assertInstanceOf(TorchNesterov.class, layer.getIUpdater());
                assertEquals(List.of(new L2Regularization(5e-5)), layer.getRegularizationByParam("W"), layer.getLayerName());
                assertTrue(layer.getRegularizationByParam("b") == null || layer.getRegularizationByParam("b").isEmpty(),
                        layer.getLayerName());
            }
        }
        assertTrue(layers.stream().anyMatch(ConvolutionLayer.class::isInstance));
        assertTrue(layers.stream().anyMatch(DenseLayer.class::isInstance));
    }

    @Test
    void adamwUsesDecoupledWeightDecay() {
        for (var layer : layers("data.path=x", "recipe.optimizer=adamw", "recipe.weightDecay=0.05", "recipe.momentum=0.9")) {
            if (!(layer instanceof BatchNormalization)) {
                assertInstanceOf(Adam.class, layer.getIUpdater());
                assertEquals(List.of(new WeightDecay(0.05, true)), layer.getRegularizationByParam("W"), layer.getLayerName());
            }
        }
    }

    @Test
    void initialWeightsFollowRecipeSeed() {
        var seed42 = ConfigLoader.load(null, List.of("data.path=x", "recipe.seed=42")).recipe();
        var seed43 = ConfigLoader.load(null, List.of("data.path=x", "recipe.seed=43")).recipe();
        var first = new ComputationGraph(Trainer.configure(SPEC.resolve(), seed42, 64));
        first.init();
        var again = new ComputationGraph(Trainer.configure(SPEC.resolve(), seed42, 64));
        again.init();
        var other = new ComputationGraph(Trainer.configure(SPEC.resolve(), seed43, 64));
        other.init();
        assertEquals(first.params(), again.params());
        assertTrue(first.params().distance2(other.params()) > 0, "another seed, other weights");
    }
}
