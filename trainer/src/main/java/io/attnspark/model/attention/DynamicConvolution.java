package io.attnspark.model.attention;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

import io.attnspark.model.layer.KernelMixtureConvolution.Gate;
import io.attnspark.model.attention.TorchParam.Layout;
import io.attnspark.model.layer.KernelMixtureConvolution;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration.GraphBuilder;
import org.deeplearning4j.nn.conf.graph.LayerVertex;
import org.deeplearning4j.nn.graph.ComputationGraph;

/**
 * Dynamic convolution (Chen et al., DY-CNN; seed 004 section 10), a replacement for a 3×3 conv: as
 * {@link CondConvolution}, but routed by {@code a = softmax(z / T)}, {@code z = MLP(GAP(x))} with the seed's MLP
 * 1×1 conv C→C/r (bias) → ReLU → 1×1 conv → E (bias), no batch norm. One {@link KernelMixtureConvolution} layer,
 * {@code prefix_conv}; the BN and ReLU of the block follow it.
 * <p>
 * The temperature T starts at {@code temperature} and follows {@link #temperatureSchedule()} when the trainer calls
 * {@link #setTemperature} before each epoch.
 * <p>
 * PyTorch keys, the seed's {@code DynamicConv}: {@code router.mlp.0.weight} [C/r, C, 1, 1] / {@code .bias} →
 * {@code reduceW} / {@code reduceB}, {@code router.mlp.2.weight} [E, C/r, 1, 1] / {@code .bias} → {@code routeW} /
 * {@code routeB}, {@code combine.weights} [E, C_out, C_in, 3, 3] → {@code W} [E, C_out·C_in·9],
 * {@code combine.bias} [E, C_out] → {@code b} (only with bias).
 *
 * @param experts        the number E of expert kernels (seed: 8; paper: 4)
 * @param reduction      the routing MLP's reduction r, hidden width C_in // r (seed: 4)
 * @param bias           whether each expert has a bias (seed: yes)
 * @param temperature    the softmax temperature of the first epoch (seed and paper: 30)
 * @param temperatureEnd the temperature after annealing (paper: 1)
 * @param annealEpochs   the epochs over which the temperature falls linearly (paper: 10)
 */
public record DynamicConvolution(int experts, int reduction, boolean bias, double temperature, double temperatureEnd,
                                 int annealEpochs) implements ConvReplacement {

    public static final String NAME = "dynconv";
    public static final int DEFAULT_EXPERTS = 8;
    public static final int DEFAULT_REDUCTION = 4;
    public static final double DEFAULT_TEMPERATURE = 30;
    public static final double DEFAULT_TEMPERATURE_END = 1;
    public static final int DEFAULT_ANNEAL_EPOCHS = 10;

    public DynamicConvolution {
        if (experts < 1) {
            throw new IllegalArgumentException(NAME + ": 'experts' must be at least 1, got " + experts);
        }
        if (reduction < 1) {
            throw new IllegalArgumentException(NAME + ": 'reduction' must be at least 1, got " + reduction);
        }
        try {
            new TemperatureSchedule(temperature, temperatureEnd, annealEpochs);
        } catch (IllegalArgumentException e) {
            // not chained: error reports (attnspark modules, DL4J's wrappers) show the innermost message, which must
            // name the options
            throw new IllegalArgumentException(NAME + ": options temperature (" + temperature + "), temperatureEnd ("
                    + temperatureEnd + ") and annealEpochs (" + annealEpochs + "): " + e.getMessage());
        }
    }

    /**
     * Options {@code experts} (default 8), {@code reduction} (4), {@code bias} (true), {@code temperature} (30),
     * {@code temperatureEnd} (1) and {@code annealEpochs} (10).
     */
    public static DynamicConvolution fromOptions(Map<String, Object> options) {
        var parsed = AttentionOptions.parse(NAME, options,
                Set.of("experts", "reduction", "bias", "temperature", "temperatureEnd", "annealEpochs"));
        return new DynamicConvolution(parsed.integer("experts", DEFAULT_EXPERTS),
                parsed.integer("reduction", DEFAULT_REDUCTION), OptionChoices.flag(NAME, options, "bias", true),
                parsed.decimal("temperature", DEFAULT_TEMPERATURE), parsed.decimal("temperatureEnd", DEFAULT_TEMPERATURE_END),
                parsed.integer("annealEpochs", DEFAULT_ANNEAL_EPOCHS));
    }

    /** The temperature per epoch. */
    public TemperatureSchedule temperatureSchedule() {
        return new TemperatureSchedule(temperature, temperatureEnd, annealEpochs);
    }

    /**
     * Sets the routing temperature of every dynconv layer of a built network, in its configuration, which the runtime
     * layers share and which Spark's parameter averaging serializes to the workers on each fit.
     *
     * @return the number of layers set
     * @throws IllegalArgumentException when the temperature is not a positive number
     */
    public static int setTemperature(ComputationGraph network, double temperature) {
        int layers = 0;
        for (var vertex : network.getConfiguration().getVertices().values()) {
            if (vertex instanceof LayerVertex layerVertex
                    && layerVertex.getLayerConf().getLayer() instanceof KernelMixtureConvolution conv
                    && conv.getGate() == Gate.SOFTMAX) {
                conv.setTemperature(temperature);
                layers++;
            }
        }
        return layers;
    }

    @Override
    public String name() {
        return NAME;
    }

    /** The routing temperature of the epoch, from {@link #temperatureSchedule()}. */
    @Override
    public void startEpoch(ComputationGraph network, int epoch) {
        temperatureSchedule().applyTo(network, epoch);
    }

    @Override
    public boolean normalizesAndActivates() {
        return false;
    }

    /** The seed's hidden width {@code C // r}. @throws IllegalArgumentException when it is 0 */
    public int hiddenWidth(int inChannels) {
        int width = inChannels / reduction;
        if (width < 1) {
            throw new IllegalArgumentException(NAME + ": " + inChannels + " input channels with reduction " + reduction
                    + " leave 0 routing units; lower 'reduction' to at most " + inChannels);
        }
        return width;
    }

    @Override
    public String attach(GraphBuilder graph, String prefix, String input, int inChannels, int outChannels, int stride) {
        graph.addLayer(prefix + "_conv", CondConvolution.expertConvolution(NAME, experts, bias, inChannels, outChannels, stride)
                .hiddenWidth(hiddenWidth(inChannels)).gate(Gate.SOFTMAX).temperature(temperature).build(), input);
        return prefix + "_conv";
    }

    @Override
    public List<TorchParam> torchParams(String prefix, int inChannels, int outChannels, int stride) {
        String layer = prefix + "_conv";
        var params = new ArrayList<TorchParam>(List.of(
                new TorchParam("router.mlp.0.weight", layer, KernelMixtureConvolution.REDUCE_WEIGHT, Layout.SAME),
                new TorchParam("router.mlp.0.bias", layer, KernelMixtureConvolution.REDUCE_BIAS, Layout.SAME),
                new TorchParam("router.mlp.2.weight", layer, KernelMixtureConvolution.ROUTE_WEIGHT, Layout.SAME),
                new TorchParam("router.mlp.2.bias", layer, KernelMixtureConvolution.ROUTE_BIAS, Layout.SAME),
                new TorchParam("combine.weights", layer, KernelMixtureConvolution.EXPERT_WEIGHT, Layout.FLATTEN_TRAILING)));
        if (bias) {
            params.add(new TorchParam("combine.bias", layer, KernelMixtureConvolution.EXPERT_BIAS, Layout.SAME));
        }
        return params;
    }
}
