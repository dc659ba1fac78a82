package io.attnspark.explain;

import io.attnspark.datasets.image.Augmentation;
import io.attnspark.model.ModelSpec;
import io.attnspark.model.Models;
import io.attnspark.model.attention.AttentionMap;
import io.attnspark.model.attention.AttentionRegistry;
import io.attnspark.train.Checkpoints;
import io.attnspark.train.config.ConfigLoader;
import io.attnspark.train.config.ModelConfig;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.deeplearning4j.nn.conf.graph.LayerVertex;
import org.deeplearning4j.nn.conf.layers.FeedForwardLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;

/**
 * A trained network read from a checkpoint, with what explaining it needs: the spec it was built from (input size,
 * where its attention modules are), the attention maps to read and a label per classifier output.
 *
 * @param network the restored network
 * @param spec    the spec the network was built from
 * @param maps    its attention maps, module instance by instance in graph order; never empty
 * @param labels  a label per classifier output: the class id, followed by its name when the dataset has one
 * @param augment the run's augmentation, whose evaluation transform the network was validated with
 */
public record ExplainableModel(ComputationGraph network, ModelSpec spec, List<AttentionMap> maps, List<String> labels,
                               Augmentation augment) {

    /** Files of {@code <class id> <words>} lines that the dataset layouts carry (Fashion-MNIST, Kaggle, devkit). */
    static final List<String> SYNSET_FILES = List.of("synsets.txt", "LOC_synset_mapping.txt", "ILSVRC2012_synsets_by_id.txt");

    public ExplainableModel {
        maps = List.copyOf(maps);
        labels = List.copyOf(labels);
        if (maps.isEmpty()) {
            throw new IllegalArgumentException("no attention map to explain");
        }
    }

    /**
     * Reads the checkpoint at {@code uri} (an {@code epoch-NNNN.zip}/{@code .json}, or a checkpoint directory).
     *
     * @param fallback the run's model settings for a checkpoint written before checkpoints carried the run config;
     *                 null if none were given
     * @throws IllegalArgumentException when the checkpoint is missing, lacks its config and no fallback was given, does
     *                                  not match its config, or its attention module has no map to show
     */
    public static ExplainableModel load(String uri, Configuration hadoop, ModelConfig fallback) throws IOException {
        Checkpoints.Restored restored = Checkpoints.read(uri, hadoop);
        var state = restored.state();
        ComputationGraph network = restored.network();
        String dataPath = null;
        Augmentation augment = Augmentation.IMAGENET;
        ModelConfig model;
        if (state.config() != null) {
            var config = ConfigLoader.fromMap(state.config());
            model = config.model();
            dataPath = config.data().path();
            augment = config.data().augment();
        } else if (fallback != null) {
            model = fallback;
        } else {
            throw new IllegalArgumentException("checkpoint " + uri + " was written before checkpoints recorded their run"
                    + " config; pass the run's model settings, e.g. --config run.yaml or --set model.attention=se"
                    + " --set model.width=0.25 --set model.imageSize=32");
        }
        List<String> classIds = state.classIds() != null ? state.classIds() : numbered(classifierOutputs(network));
        ModelSpec spec = model.toSpec(classIds.size());
        List<AttentionMap> maps = Models.attentionMaps(spec.resolve());
        if (maps.isEmpty()) {
            throw new IllegalArgumentException("model " + spec.backbone() + " + " + spec.attention()
                    + (spec.attentionOptions().isEmpty() ? "" : " " + spec.attentionOptions())
                    + " has no attention map to show; explain supports " + String.join(", ", supportedModules())
                    + " (" + String.join("; ", mapRemarks()) + ")");
        }
        var vertices = network.getConfiguration().getVertices().keySet();
        for (AttentionMap map : maps) {
            if (!vertices.contains(map.vertex())) {
                throw new IllegalArgumentException("checkpoint " + uri + " does not hold the network its config describes ("
                        + spec.backbone() + " + " + spec.attention() + "): it has no vertex " + map.vertex());
            }
        }
        return new ExplainableModel(network, spec, maps, labels(classIds, dataPath, hadoop), augment);
    }

    /** Registry names whose default configuration has an attention map. */
    static List<String> supportedModules() {
        return AttentionRegistry.names().stream()
                .filter(name -> !AttentionRegistry.create(name, Map.of()).attentionMaps("m").isEmpty())
                .toList();
    }

    /** What the option-dependent modules need to show maps, e.g. "gc with pooling att or fusion mul". */
    static List<String> mapRemarks() {
        return AttentionRegistry.names().stream()
                .flatMap(name -> AttentionRegistry.create(name, Map.of()).attentionMapsRemark().map(r -> name + " " + r).stream())
                .toList();
    }

    /** Class ids, each followed by its name when a synset file of the dataset names it. */
    private static List<String> labels(List<String> classIds, String dataPath, Configuration hadoop) {
        Map<String, String> names = dataPath == null ? Map.of() : synsetNames(dataPath, hadoop);
        List<String> labels = new ArrayList<>();
        for (String id : classIds) {
            String name = names.get(id);
            labels.add(name == null || name.isBlank() ? id : id + " (" + name + ")");
        }
        return labels;
    }

    /** Names are a nicety: an unreadable or absent dataset leaves the ids alone. */
    private static Map<String, String> synsetNames(String dataPath, Configuration hadoop) {
        Map<String, String> names = new HashMap<>();
        try {
            Path root = new Path(dataPath);
            FileSystem fs = root.getFileSystem(hadoop);
            for (String file : SYNSET_FILES) {
                Path path = new Path(root, file);
                if (!fs.exists(path)) {
                    continue;
                }
                try (var reader = new BufferedReader(new InputStreamReader(fs.open(path), StandardCharsets.UTF_8))) {
                    reader.lines().map(String::strip).filter(line -> !line.isEmpty()).forEach(line -> {
                        String[] idAndWords = line.split("\\s+", 2);
                        names.putIfAbsent(idAndWords[0], idAndWords.length > 1 ? idAndWords[1] : "");
                    });
                }
            }
        } catch (IOException | IllegalArgumentException e) {
            return Map.of();
        }
        return names;
    }

    /** The width of the classifier under the output loss layer (a param-free loss has no width of its own). */
    private static int classifierOutputs(ComputationGraph network) {
        var configuration = network.getConfiguration();
        String classifier = configuration.getVertexInputs().get(ModelSpec.OUTPUT).get(0);
        if (configuration.getVertices().get(classifier) instanceof LayerVertex vertex
                && vertex.getLayerConf().getLayer() instanceof FeedForwardLayer layer) {
            return (int) layer.getNOut();
        }
        throw new IllegalArgumentException("cannot tell the number of classes: " + classifier + " under "
                + ModelSpec.OUTPUT + " is not a dense layer");
    }

    private static List<String> numbered(int classes) {
        return IntStream.range(0, classes).mapToObj(i -> "class " + i).toList();
    }
}
