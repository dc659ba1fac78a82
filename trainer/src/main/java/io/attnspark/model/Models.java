package io.attnspark.model;

import io.attnspark.model.attention.AttentionMap;
import io.attnspark.model.attention.TorchParam;
import io.attnspark.model.attention.TorchStateDict;
import io.attnspark.model.layer.Convolution2d;
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
 * Builds the network a {@link ResolvedModel} describes: input {@value ModelSpec#INPUT} (NCHW RGB, imageSize squared),
 * the backbone with its attention modules, and a param-free softmax + cross-entropy {@link LossLayer} named
 * {@value ModelSpec#OUTPUT} on top of the backbone's classifier. The classifier is a separate dense layer ({@code fc}
 * for ResNets) rather than an {@code OutputLayer}, so that the weights sit under torchvision's module name and
 * the parameter count is torchvision's.
 */
public final class Models {

    private Models() { }

    /**
     * The network's configuration. {@code base} carries everything global (updater, seed, regularization, data type,
     * workspace and cache modes); layers override only their initialization, convolution mode and activation.
     */
    public static ComputationGraphConfiguration configure(ResolvedModel model, NeuralNetConfiguration.Builder base) {
        return configure(model, base, 0);
    }

    /** As {@link #configure(ResolvedModel, NeuralNetConfiguration.Builder)}, training against smoothed labels. */
    public static ComputationGraphConfiguration configure(ResolvedModel model, NeuralNetConfiguration.Builder base,
                                                          double labelSmoothing) {
        return configure(model, base, model.attention(), new LabelSmoothingCrossEntropy(labelSmoothing));
    }

    private static ComputationGraphConfiguration configure(ResolvedModel model, NeuralNetConfiguration.Builder base,
                                                           PlacedAttention attention, LabelSmoothingCrossEntropy loss) {
        GraphBuilder graph = base.graphBuilder()
                .addInputs(ModelSpec.INPUT)
                .setInputTypes(model.inputType());
        String logits = model.backbone().addLogits(graph, ModelSpec.INPUT, model.width(), model.smallStem(),
                model.numClasses(), attention);
        graph.addLayer(ModelSpec.OUTPUT, new LossLayer.Builder(loss).activation(Activation.SOFTMAX).build(), logits);
        graph.setOutputs(ModelSpec.OUTPUT);
        return graph.build();
    }

    /** The network's configuration with the module replaced by one that records where it is attached. */
    private static ComputationGraphConfiguration recorded(ResolvedModel model, TorchWeights.Recorder recorder) {
        PlacedAttention attention = model.attention().hasAttention() ? model.attention().withModule(recorder) : model.attention();
        return configure(model, new NeuralNetConfiguration.Builder(), attention, new LabelSmoothingCrossEntropy(0));
    }

    /** {@link #configure} followed by an initialized network. */
    public static ComputationGraph build(ResolvedModel model, NeuralNetConfiguration.Builder base) {
        ComputationGraph network = new ComputationGraph(configure(model, base));
        network.init();
        return network;
    }

    /**
     * Copies a PyTorch {@code state_dict} (e.g. read by {@link TorchStateDict#readNpz} from an uncompressed
     * {@code numpy.savez} file without 0-d arrays, which ND4J cannot read) into {@code network}, which
     * must have been built from {@code model}. Keys are torchvision's ({@code conv1.weight}, {@code layer1.0.bn1.running_var},
     * {@code layer1.0.downsample.0.weight}, {@code features.1.conv.0.0.weight}, {@code classifier.1.weight}, {@code fc.bias},
     * ...); an attention module's keys sit under {@code <block>.se.} as in timm (e.g. {@code layer1.0.se.fc1.weight}
     * for timm's SE, or the module's own {@code layer1.0.se.excitation.0.weight}); {@code num_batches_tracked} is
     * ignored. timm's SE rounds its bottleneck to a multiple of 8: build with attention option {@code divisor: 8}.
     * Nothing is copied unless every key fits.
     *
     * @throws IllegalArgumentException listing every missing, unexpected, unmapped and mis-shaped key
     */
    public static void loadTorchWeights(ComputationGraph network, ResolvedModel model, Map<String, INDArray> stateDict) {
        var recorder = TorchWeights.recording(model.attention().module());
        ComputationGraphConfiguration configuration = recorded(model, recorder);
        List<String> problems = new ArrayList<>();
        List<TorchParam> mapping = TorchWeights.mapping(configuration, recorder.sites, problems);
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException("cannot load the state dict:\n  " + String.join("\n  ", problems));
        }
        TorchStateDict.load(network, mapping, TorchWeights.converted(configuration, stateDict));
    }

    /**
     * {@link #loadTorchWeights(ComputationGraph, ResolvedModel, Map)} from a file written in Python with
     * {@code numpy.savez(path, **{k: v.numpy() for k, v in model.state_dict().items() if v.dim() > 0})}.
     *
     * @throws IOException when the file cannot be read as an uncompressed .npz
     */
    public static void loadTorchWeights(ComputationGraph network, ResolvedModel model, Path npz) throws IOException {
        loadTorchWeights(network, model, TorchStateDict.readNpz(npz));
    }

    /**
     * Every attention map of the network {@code model} describes, module instance by instance in graph order (see
     * {@link AttentionModule#attentionMaps}); empty for no attention or a module without maps. Allocates nothing.
     */
    public static List<AttentionMap> attentionMaps(ResolvedModel model) {
        var recorder = TorchWeights.recording(model.attention().module());
        recorded(model, recorder);
        List<AttentionMap> maps = new ArrayList<>();
        recorder.sites.forEach(site -> maps.addAll(recorder.attentionMaps(site.prefix())));
        return List.copyOf(maps);
    }

    /** Trainable parameters, counted like PyTorch; see {@link #parameterCounts}. Allocates nothing. */
    public static long parameterCount(ResolvedModel model) {
        return parameterCounts(configure(model, new NeuralNetConfiguration.Builder())).values().stream()
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
    public static long macs(ResolvedModel model) {
        ComputationGraphConfiguration configuration = configure(model, new NeuralNetConfiguration.Builder());
        Map<String, InputType> outputTypes = configuration.getLayerActivationTypes(model.inputType());
        long macs = 0;
        for (Map.Entry<String, GraphVertex> entry : configuration.getVertices().entrySet()) {
            if (entry.getValue() instanceof LayerVertex vertex) {
                macs += layerMacs(entry.getKey(), vertex.getLayerConf().getLayer(), outputTypes.get(entry.getKey()));
            }
        }
        return macs;
    }

    private static long layerMacs(String name, Layer layer, InputType output) {
        if (layer.getClass() == ConvolutionLayer.class || layer.getClass() == Convolution2d.class) {
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
}
