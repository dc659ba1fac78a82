package io.attnspark.model;

import io.attnspark.model.attention.AttentionMap;
import io.attnspark.model.attention.AttentionModule;
import io.attnspark.model.attention.ConvReplacement;
import io.attnspark.model.attention.PlacementRole;
import io.attnspark.model.attention.TorchParam;
import io.attnspark.model.attention.TorchParam.Layout;
import io.attnspark.model.layer.GroupedConvolution;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration.GraphBuilder;
import org.deeplearning4j.nn.conf.graph.GraphVertex;
import org.deeplearning4j.nn.conf.graph.LayerVertex;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.DepthwiseConvolution2D;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * The mapping from a torchvision/timm {@code state_dict} onto a network built by {@link Models}: backbone layers are
 * named after torchvision's modules, so each layer takes {@code <vertex>.weight}, {@code .bias}, and for batch norms
 * {@code .running_mean} and {@code .running_var}; attention modules take their own keys
 * ({@link AttentionModule#torchParams}) under {@code <block>.se.}, the attribute timm's ResNet blocks hold any
 * attention module in.
 */
final class TorchWeights {

    /** timm's SEModule names its 1x1 convs fc1/fc2 where the seed's SE (our module's keys) uses excitation.0/2. */
    private static final Pattern TIMM_SE_KEY = Pattern.compile("(.*\\.se\\.)fc([12])\\.(weight|bias)");

    private TorchWeights() { }

    /** Where the backbone attached an attention module, the vertices it added and their torch keys. */
    record Site(String prefix, List<TorchParam> params, Set<String> vertices) { }

    /** Records each {@link Site} where the backbone attaches {@code module}, keeping it a conv replacement if it is one. */
    static Recorder recording(AttentionModule module) {
        return module instanceof ConvReplacement conv ? new ConvRecorder(conv) : new Recorder(module);
    }

    /** Passes every call to the real module and records each {@link Site}. */
    static class Recorder implements AttentionModule {
        private final AttentionModule module;
        final List<Site> sites = new ArrayList<>();

        Recorder(AttentionModule module) {
            this.module = module;
        }

        @Override
        public String name() {
            return module.name();
        }

        @Override
        public String attach(GraphBuilder graph, String prefix, String input, int channels) {
            return record(graph, prefix, () -> module.attach(graph, prefix, input, channels), module.torchParams(prefix, channels));
        }

        @Override
        public List<TorchParam> torchParams(String prefix, int channels) {
            return module.torchParams(prefix, channels);
        }

        @Override
        public List<AttentionMap> attentionMaps(String prefix) {
            return module.attentionMaps(prefix);
        }

        @Override
        public PlacementRole placementRole() {
            return module.placementRole();
        }

        final String record(GraphBuilder graph, String prefix, Supplier<String> attach, List<TorchParam> params) {
            Set<String> before = new HashSet<>(graph.getVertices().keySet());
            String output = attach.get();
            Set<String> added = new HashSet<>(graph.getVertices().keySet());
            added.removeAll(before);
            sites.add(new Site(prefix, params, added));
            return output;
        }
    }

    /** A {@link Recorder} that the backbone still sees as a {@link ConvReplacement}. */
    static final class ConvRecorder extends Recorder implements ConvReplacement {
        private final ConvReplacement module;

        ConvRecorder(ConvReplacement module) {
            super(module);
            this.module = module;
        }

        @Override
        public String attach(GraphBuilder graph, String prefix, String input, int inChannels, int outChannels, int stride) {
            return record(graph, prefix, () -> module.attach(graph, prefix, input, inChannels, outChannels, stride),
                    module.torchParams(prefix, inChannels, outChannels, stride));
        }

        @Override
        public List<TorchParam> torchParams(String prefix, int inChannels, int outChannels, int stride) {
            return module.torchParams(prefix, inChannels, outChannels, stride);
        }

        @Override
        public boolean normalizesAndActivates() {
            return module.normalizesAndActivates();
        }
    }

    /**
     * The torch key prefix of the attention module at {@code sitePrefix}: a block's add-on sits in the block's
     * {@code se} attribute as in timm ({@code layer1.0.attn} → {@code layer1.0.se.}); a conv replacement at the path
     * of the conv it replaces ({@code layer1.0.conv2.}), a stage's module at {@code layer1.attn.}.
     */
    static String torchPrefix(String sitePrefix) {
        return sitePrefix.replaceFirst("(\\.\\d+)\\.attn$", "$1.se") + ".";
    }

    /**
     * Every graph parameter's torch key and layout.
     *
     * @param problems receives layers that have parameters but no known torch counterpart
     */
    static List<TorchParam> mapping(ComputationGraphConfiguration configuration, List<Site> sites, List<String> problems) {
        Set<String> attentionVertices = new HashSet<>();
        List<TorchParam> mapping = new ArrayList<>();
        for (Site site : sites) {
            attentionVertices.addAll(site.vertices());
            site.params().forEach(param -> mapping.add(param.withTorchPrefix(torchPrefix(site.prefix()))));
        }
        for (Map.Entry<String, GraphVertex> entry : configuration.getVertices().entrySet()) {
            String name = entry.getKey();
            if (attentionVertices.contains(name) || !(entry.getValue() instanceof LayerVertex vertex)
                    || vertex.numParams(true) == 0) {
                continue;
            }
            Layer layer = vertex.getLayerConf().getLayer();
            if (layer instanceof BatchNormalization batchNorm) {
                mapping.add(new TorchParam(name + ".weight", name, "gamma", Layout.SAME));
                mapping.add(new TorchParam(name + ".bias", name, "beta", Layout.SAME));
                mapping.add(new TorchParam(name + ".running_mean", name, "mean", Layout.SAME));
                mapping.add(new TorchParam(name + ".running_var", name, batchNorm.isUseLogStd() ? "log10stdev" : "var", Layout.SAME));
            } else if (layer instanceof GroupedConvolution grouped) {
                mapping.add(new TorchParam(name + ".weight", name, GroupedConvolution.WEIGHT_KEY, Layout.SAME));
                if (grouped.isHasBias()) {
                    mapping.add(new TorchParam(name + ".bias", name, GroupedConvolution.BIAS_KEY, Layout.SAME));
                }
            } else if (layer instanceof ConvolutionLayer conv) {
                mapping.add(new TorchParam(name + ".weight", name, "W", Layout.SAME));
                if (conv.hasBias()) {
                    mapping.add(new TorchParam(name + ".bias", name, "b", Layout.SAME));
                }
            } else if (layer instanceof DenseLayer dense) {
                mapping.add(new TorchParam(name + ".weight", name, "W", Layout.DENSE_FROM_LINEAR));
                if (dense.hasBias()) {
                    mapping.add(new TorchParam(name + ".bias", name, "b", Layout.SAME));
                }
            } else {
                problems.add("no torch mapping for layer " + name + " (" + layer.getClass().getSimpleName() + ")");
            }
        }
        return mapping;
    }

    /**
     * The state dict in the form {@link io.attnspark.model.attention.TorchStateDict#load} copies as is: without torch's
     * {@code num_batches_tracked} counters, timm SE keys renamed to the module's, depthwise weights [C,1,k,k] permuted
     * to DL4J's [k,k,C,1], and running variances turned into DL4J's log10 standard deviation where a batch norm
     * stores that (DL4J then normalizes by sqrt(10^(2·s) + eps), i.e. torch's sqrt(var + eps)).
     */
    static Map<String, INDArray> converted(ComputationGraphConfiguration configuration, Map<String, INDArray> stateDict) {
        Map<String, INDArray> converted = new LinkedHashMap<>();
        stateDict.forEach((key, value) -> {
            if (key.endsWith(".num_batches_tracked")) {
                return;
            }
            Matcher timm = TIMM_SE_KEY.matcher(key);
            String ours = timm.matches() ? timm.group(1) + "excitation." + (timm.group(2).equals("1") ? 0 : 2) + "." + timm.group(3) : key;
            converted.put(ours, value);
        });
        configuration.getVertices().forEach((name, vertex) -> {
            if (!(vertex instanceof LayerVertex layerVertex)) {
                return;
            }
            Layer layer = layerVertex.getLayerConf().getLayer();
            INDArray weight = converted.get(name + ".weight");
            if (layer instanceof DepthwiseConvolution2D && weight != null && weight.rank() == 4) {
                converted.put(name + ".weight", weight.permute(2, 3, 0, 1).dup('c'));
            }
            INDArray variance = converted.get(name + ".running_var");
            if (layer instanceof BatchNormalization batchNorm && batchNorm.isUseLogStd() && variance != null) {
                converted.put(name + ".running_var", Transforms.log(variance.castTo(DataType.DOUBLE), 10.0, true).muli(0.5));
            }
        });
        return converted;
    }
}
