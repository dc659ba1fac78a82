package io.attnspark.model.layer;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.deeplearning4j.nn.api.ParamInitializer;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * The parameters of a hand-written layer as consecutive 'c'-order views of the flat parameter (or gradient) vector,
 * one per key in {@link #shapes} order, so a torch tensor of the same shape copies in without reordering.
 */
public abstract class HandWrittenParams implements ParamInitializer {

    /** Each parameter's shape, in flattening order. */
    protected abstract Map<String, long[]> shapes(Layer layer);

    /** Fills freshly created parameters, e.g. with torch's default initialization. */
    protected abstract void initialize(Layer layer, Map<String, INDArray> params);

    @Override
    public long numParams(NeuralNetConfiguration conf) {
        return numParams(conf.getLayer());
    }

    @Override
    public long numParams(Layer layer) {
        return shapes(layer).values().stream().mapToLong(HandWrittenParams::length).sum();
    }

    @Override
    public List<String> paramKeys(Layer layer) {
        return new ArrayList<>(shapes(layer).keySet());
    }

    @Override
    public List<String> weightKeys(Layer layer) {
        return paramKeys(layer).stream().filter(key -> isWeightParam(layer, key)).toList();
    }

    @Override
    public List<String> biasKeys(Layer layer) {
        return paramKeys(layer).stream().filter(key -> isBiasParam(layer, key)).toList();
    }

    @Override
    public Map<String, INDArray> init(NeuralNetConfiguration conf, INDArray paramsView, boolean initializeParams) {
        Map<String, INDArray> params = views(conf.getLayer(), paramsView);
        if (initializeParams) {
            initialize(conf.getLayer(), params);
        }
        return params;
    }

    @Override
    public Map<String, INDArray> getGradientsFromFlattened(NeuralNetConfiguration conf, INDArray gradientView) {
        return views(conf.getLayer(), gradientView);
    }

    private Map<String, INDArray> views(Layer layer, INDArray flat) {
        INDArray vector = flat.reshape('c', new long[] {flat.length()});
        Map<String, INDArray> views = new LinkedHashMap<>();
        long offset = 0;
        for (var entry : shapes(layer).entrySet()) {
            long length = length(entry.getValue());
            views.put(entry.getKey(), vector.get(NDArrayIndex.interval(offset, offset + length)).reshape('c', entry.getValue()));
            offset += length;
        }
        return views;
    }

    private static long length(long[] shape) {
        return Arrays.stream(shape).reduce(1, (a, b) -> a * b);
    }
}
