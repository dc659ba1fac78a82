package io.attnspark.model.attention;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** Copies a PyTorch {@code state_dict} into a {@link ComputationGraph} by the {@link TorchParam} naming contract. */
public final class TorchStateDict {

    private TorchStateDict() { }

    /** Reads an {@code .npz} written by {@code numpy.savez(path, **state_dict)}; keys are the array names. */
    public static Map<String, INDArray> readNpz(Path path) throws IOException {
        try {
            var arrays = new LinkedHashMap<String, INDArray>();
            Nd4j.createFromNpzFile(path.toFile()).forEach((name, array) -> arrays.put(name.replaceFirst("\\.npy$", ""), array));
            return arrays;
        } catch (IOException e) {
            throw e;
        } catch (Exception e) {
            throw new IOException("cannot read " + path + ": " + e.getMessage(), e);
        }
    }

    /**
     * Copies every tensor of {@code stateDict} into the graph parameter that {@code mapping} names, converting
     * layout and data type. Nothing is copied unless all of these hold, and the exception lists every violation:
     * each mapped torch key is in the state dict, each state dict key is mapped, each mapped vertex parameter exists,
     * every graph parameter is mapped, and every shape fits.
     *
     * @throws IllegalArgumentException listing missing, unexpected, unmapped and mis-shaped keys
     */
    public static void load(ComputationGraph graph, List<TorchParam> mapping, Map<String, INDArray> stateDict) {
        var problems = new ArrayList<String>();
        var copies = new ArrayList<Runnable>();
        var mappedTorchKeys = new TreeSet<String>();
        var mappedGraphParams = new HashMap<String, String>();
        for (TorchParam param : mapping) {
            String graphParam = param.vertex() + "_" + param.paramKey();
            if (!mappedTorchKeys.add(param.torchKey())) {
                problems.add("torch key " + param.torchKey() + " is mapped twice");
            }
            String previous = mappedGraphParams.put(graphParam, param.torchKey());
            if (previous != null) {
                problems.add("graph parameter " + graphParam + " is the target of both " + previous + " and " + param.torchKey());
            }
            INDArray torch = stateDict.get(param.torchKey());
            INDArray target = graph.getVertex(param.vertex()) == null ? null
                    : graph.getVertex(param.vertex()).paramTable(false).get(param.paramKey());
            if (torch == null) {
                problems.add("missing in the state dict: " + param.torchKey());
            }
            if (target == null) {
                problems.add("no graph parameter " + graphParam + " for torch key " + param.torchKey());
            }
            if (torch != null && target != null) {
                INDArray converted = param.layout().toDl4j(torch, target.shape());
                if (Arrays.equals(converted.shape(), target.shape())) {
                    copies.add(() -> target.assign(converted.castTo(target.dataType())));
                } else {
                    problems.add("shape of " + param.torchKey() + " " + Arrays.toString(torch.shape()) + " does not fit "
                            + graphParam + " " + Arrays.toString(target.shape()) + " (layout " + param.layout() + ")");
                }
            }
        }
        var unexpected = new TreeSet<>(stateDict.keySet());
        unexpected.removeAll(mappedTorchKeys);
        unexpected.forEach(key -> problems.add("unexpected in the state dict: " + key));
        var unmapped = new TreeSet<>(graph.paramTable(false).keySet());
        unmapped.removeAll(mappedGraphParams.keySet());
        unmapped.forEach(key -> problems.add("graph parameter without a torch key: " + key));
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException("cannot load the state dict (" + problems.size() + " problems):\n  "
                    + String.join("\n  ", problems));
        }
        copies.forEach(Runnable::run);
    }
}
