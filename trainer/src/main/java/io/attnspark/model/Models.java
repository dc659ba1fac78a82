package io.attnspark.model;

import io.attnspark.model.attention.AttentionMap;
import io.attnspark.model.attention.AttentionModule;
import io.attnspark.model.attention.AttentionRegistry;
import io.attnspark.model.attention.TorchParam;
import io.attnspark.model.attention.TorchStateDict;
import io.attnspark.model.backbone.Backbone;
import io.attnspark.model.backbone.Backbones;
import io.attnspark.model.layer.GroupedConvolution;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration.GraphBuilder;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.graph.GraphVertex;
import org.deeplearning4j.nn.conf.graph.LayerVertex;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.BaseOutputLayer;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.DepthwiseConvolution2D;
import org.deeplearning4j.nn.conf.layers.FeedForwardLayer;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.conf.layers.LossLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Builds the network a {@link ModelSpec} describes: input {@value ModelSpec#INPUT} (NCHW RGB, imageSize squared),
 * the backbone with its attention modules, and a param-free softmax + cross-entropy {@link LossLayer} named
 * {@value ModelSpec#OUTPUT} on top of the backbone's classifier. The classifier is a separate dense layer ({@code fc}
 * for ResNets) rather than an {@code OutputLayer}, so that the weights sit under torchvision's module name and
 * the parameter count is torchvision's.
 */
public final class Models {

    private static final AttentionModule NO_ATTENTION = new AttentionModule() {
        @Override
        public String name() {
            return ModelSpec.NONE;
        }

        @Override
        public String attach(GraphBuilder graph, String prefix, String input, int channels) {
            return input;
        }

        @Override
        public List<TorchParam> torchParams(String prefix, int channels) {
            return List.of();
        }
    };

    private Models() { }

    /**
     * The network's configuration. {@code base} carries everything global (updater, seed, regularization, data type,
     * workspace and cache modes); layers override only their initialization, convolution mode and activation.
     *
     * @throws IllegalArgumentException when the spec names an unknown backbone or attention, or a size is out of range
     */
    public static ComputationGraphConfiguration configure(ModelSpec spec, NeuralNetConfiguration.Builder base) {
        return configure(spec, base, 0);
    }

    /** As {@link #configure(ModelSpec, NeuralNetConfiguration.Builder)}, training against smoothed labels. */
    public static ComputationGraphConfiguration configure(ModelSpec spec, NeuralNetConfiguration.Builder base,
                                                          double labelSmoothing) {
        return configure(spec, base, attention(spec), new LabelSmoothingCrossEntropy(labelSmoothing));
    }

    private static AttentionModule attention(ModelSpec spec) {
        validatedBackbone(spec);
        return spec.hasAttention() ? AttentionRegistry.create(spec.attention(), spec.attentionOptions()) : NO_ATTENTION;
    }

    private static ComputationGraphConfiguration configure(ModelSpec spec, NeuralNetConfiguration.Builder base,
                                                           AttentionModule attention, LabelSmoothingCrossEntropy loss) {
        Backbone backbone = validatedBackbone(spec);
        GraphBuilder graph = base.graphBuilder()
                .addInputs(ModelSpec.INPUT)
                .setInputTypes(inputType(spec));
        String logits = backbone.addLogits(graph, ModelSpec.INPUT, spec, attention);
        graph.addLayer(ModelSpec.OUTPUT, new LossLayer.Builder(loss).activation(Activation.SOFTMAX).build(), logits);
        graph.setOutputs(ModelSpec.OUTPUT);
        return graph.build();
    }

    /** {@link #configure} followed by an initialized network. */
    public static ComputationGraph build(ModelSpec spec, NeuralNetConfiguration.Builder base) {
        ComputationGraph network = new ComputationGraph(configure(spec, base));
        network.init();
        return network;
    }

    /**
     * Copies a PyTorch {@code state_dict} (e.g. read by {@link TorchStateDict#readNpz} from an uncompressed
     * {@code numpy.savez} file without 0-d arrays, which ND4J cannot read) into {@code network}, which
     * must have been built from {@code spec}. Keys are torchvision's ({@code conv1.weight}, {@code layer1.0.bn1.running_var},
     * {@code layer1.0.downsample.0.weight}, {@code features.1.conv.0.0.weight}, {@code classifier.1.weight}, {@code fc.bias},
     * ...); an attention module's keys sit under {@code <block>.se.} as in timm (e.g. {@code layer1.0.se.fc1.weight}
     * for timm's SE, or the module's own {@code layer1.0.se.excitation.0.weight}); {@code num_batches_tracked} is
     * ignored. timm's SE rounds its bottleneck to a multiple of 8: build with attention option {@code divisor: 8}.
     * Nothing is copied unless every key fits.
     *
     * @throws IllegalArgumentException listing every missing, unexpected, unmapped and mis-shaped key
     */
    public static void loadTorchWeights(ComputationGraph network, ModelSpec spec, Map<String, INDArray> stateDict) {
        var recorder = TorchWeights.recording(attention(spec));
        ComputationGraphConfiguration configuration = configure(spec, new NeuralNetConfiguration.Builder(), recorder,
                new LabelSmoothingCrossEntropy(0));
        List<String> problems = new ArrayList<>();
        List<TorchParam> mapping = TorchWeights.mapping(configuration, recorder.sites, problems);
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException("cannot load the state dict:\n  " + String.join("\n  ", problems));
        }
        TorchStateDict.load(network, mapping, TorchWeights.converted(configuration, stateDict));
    }

    /**
     * {@link #loadTorchWeights(ComputationGraph, ModelSpec, Map)} from a file written in Python with
     * {@code numpy.savez(path, **{k: v.numpy() for k, v in model.state_dict().items() if v.dim() > 0})}.
     *
     * @throws IOException when the file cannot be read as an uncompressed .npz
     */
    public static void loadTorchWeights(ComputationGraph network, ModelSpec spec, Path npz) throws IOException {
        loadTorchWeights(network, spec, TorchStateDict.readNpz(npz));
    }

    /**
     * Every attention map of the network {@code spec} describes, module instance by instance in graph order (see
     * {@link AttentionModule#attentionMaps}); empty for no attention or a module without maps. Allocates nothing.
     */
    public static List<AttentionMap> attentionMaps(ModelSpec spec) {
        var recorder = TorchWeights.recording(attention(spec));
        configure(spec, new NeuralNetConfiguration.Builder(), recorder, new LabelSmoothingCrossEntropy(0));
        List<AttentionMap> maps = new ArrayList<>();
        recorder.sites.forEach(site -> maps.addAll(recorder.attentionMaps(site.prefix())));
        return List.copyOf(maps);
    }

    /** Trainable parameters, counted like PyTorch; see {@link #parameterCounts}. Allocates nothing. */
    public static long parameterCount(ModelSpec spec) {
        return parameterCounts(configure(spec, new NeuralNetConfiguration.Builder())).values().stream()
                .mapToLong(Long::longValue).sum();
    }

    /**
     * Trainable parameters per vertex that has any, in graph order, counted like PyTorch's {@code parameters()}:
     * DL4J stores a batch norm's running mean and variance as parameters (4 per channel), PyTorch as buffers, so
     * only gamma and beta (2 per channel) are counted.
     */
    public static Map<String, Long> parameterCounts(ComputationGraphConfiguration configuration) {
        Map<String, Long> counts = new LinkedHashMap<>();
        configuration.getVertices().forEach((name, vertex) -> {
            long trainable = vertex.numParams(true) - runningStatistics(vertex);
            if (trainable > 0) {
                counts.put(name, trainable);
            }
        });
        return counts;
    }

    /**
     * Multiply-accumulates per image of the convolution and fully connected layers, the convention of the published
     * GMAC figures (torchvision: resnet18 1.82, resnet50 4.1 at 224 px). Batch norms, activations, pooling,
     * element-wise vertices and custom (SameDiff) vertices are not counted. Grouped and depthwise convolutions count
     * only the products that exist: {@code out * in / groups * k * k} per output position.
     *
     * @throws IllegalArgumentException for a convolution variant that has no formula here yet
     */
    public static long macs(ModelSpec spec) {
        ComputationGraphConfiguration configuration = configure(spec, new NeuralNetConfiguration.Builder());
        Map<String, InputType> outputTypes = configuration.getLayerActivationTypes(inputType(spec));
        long macs = 0;
        for (Map.Entry<String, GraphVertex> entry : configuration.getVertices().entrySet()) {
            if (entry.getValue() instanceof LayerVertex vertex) {
                macs += layerMacs(entry.getKey(), vertex.getLayerConf().getLayer(), outputTypes.get(entry.getKey()));
            }
        }
        return macs;
    }

    private static long layerMacs(String name, Layer layer, InputType output) {
        if (layer.getClass() == ConvolutionLayer.class) {
            ConvolutionLayer conv = (ConvolutionLayer) layer;
            InputType.InputTypeConvolutional map = (InputType.InputTypeConvolutional) output;
            return map.getHeight() * map.getWidth() * conv.getNOut() * conv.getNIn()
                    * conv.getKernelSize()[0] * conv.getKernelSize()[1];
        }
        if (layer instanceof DepthwiseConvolution2D depthwise) {
            InputType.InputTypeConvolutional map = (InputType.InputTypeConvolutional) output;
            return map.getHeight() * map.getWidth() * depthwise.getNOut()
                    * depthwise.getKernelSize()[0] * depthwise.getKernelSize()[1];
        }
        if (layer instanceof GroupedConvolution grouped) {
            InputType.InputTypeConvolutional map = (InputType.InputTypeConvolutional) output;
            return map.getHeight() * map.getWidth() * grouped.getNOut() * (grouped.getNIn() / grouped.getGroups())
                    * grouped.getKernel() * grouped.getKernel();
        }
        if (layer instanceof ConvolutionLayer) {
            throw new IllegalArgumentException("no MAC formula for " + layer.getClass().getSimpleName() + " '" + name
                    + "'; add one to Models.layerMacs");
        }
        if (layer instanceof DenseLayer || layer instanceof BaseOutputLayer) {
            FeedForwardLayer fullyConnected = (FeedForwardLayer) layer;
            return fullyConnected.getNIn() * fullyConnected.getNOut();
        }
        return 0;
    }

    private static long runningStatistics(GraphVertex vertex) {
        return vertex instanceof LayerVertex layerVertex
                && layerVertex.getLayerConf().getLayer() instanceof BatchNormalization batchNorm
                ? 2 * batchNorm.getNOut()
                : 0;
    }

    private static InputType inputType(ModelSpec spec) {
        return InputType.convolutional(spec.imageSize(), spec.imageSize(), 3);
    }

    private static Backbone validatedBackbone(ModelSpec spec) {
        Backbone backbone = Backbones.find(spec.backbone()).orElseThrow(() -> new IllegalArgumentException(
                "unknown backbone '" + spec.backbone() + "'; known: " + String.join(", ", Backbones.names())));
        if (!(spec.width() > 0) || Double.isInfinite(spec.width())) {
            throw new IllegalArgumentException("width must be a positive multiplier (1.0 = the published network), got "
                    + spec.width());
        }
        if (spec.numClasses() < 2) {
            throw new IllegalArgumentException("numClasses must be at least 2, got " + spec.numClasses());
        }
        int minSize = backbone.minImageSize(spec.smallStem());
        if (spec.imageSize() < minSize) {
            throw new IllegalArgumentException("imageSize " + spec.imageSize() + " is too small for " + backbone.name()
                    + " with the " + (spec.smallStem() ? "small" : "ImageNet") + " stem; use at least " + minSize
                    + (spec.smallStem() ? "" : ", or the small stem for inputs of 64 px or less"));
        }
        if (spec.attention() == null) {
            throw new IllegalArgumentException("attention must be a registry name or '" + ModelSpec.NONE + "', got null");
        }
        if (spec.stages().isEmpty() || !ModelSpec.ALL_STAGES.containsAll(spec.stages())) {
            throw new IllegalArgumentException("stages must be a non-empty subset of " + ModelSpec.ALL_STAGES + ", got "
                    + spec.stages() + "; for no attention at all use attention '" + ModelSpec.NONE + "'");
        }
        return backbone;
    }
}
