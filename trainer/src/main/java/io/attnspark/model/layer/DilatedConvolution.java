package io.attnspark.model.layer;

import org.deeplearning4j.nn.conf.ComputationGraphConfiguration.GraphBuilder;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;

/**
 * A k×k convolution with dilation d and size-preserving zero padding d·(k−1)/2, added to a graph in a form that runs
 * through oneDNN. DL4J 1.0.0-M2.1 hands oneDNN a right padding computed without the dilation, so oneDNN refuses every
 * dilated convolution ("could not create a descriptor for a dilated convolution") and ND4J's built-in conv runs it,
 * 5-6× slower than an undilated one. Instead:
 * <ul>
 * <li>stride 1: the map's d×d phases stacked along the batch ({@link SpaceToBatchVertex}), an undilated k×k conv with
 * padding (k−1)/2 on them, and the phases put back ({@link BatchToSpaceVertex}); exact, as every dilated tap stays in
 * one phase (TensorFlow's atrous convolution);</li>
 * <li>stride d: only every d-th row and column is read ({@link SubsampleVertex}), then the same undilated conv;</li>
 * <li>any other stride keeps DL4J's dilated conv.</li>
 * </ul>
 * A {@link Convolution2d} needs none of this: its float CPU path runs the dilated conv on oneDNN 2.5
 * ({@link OneDnnConvolution}), which takes the dilation (and, since session 12, it is added as it is: the phase copies
 * were 8.9% of a ResNet-50 SK step); networks saved with the rearrangement load as they were.
 * The conv layer keeps its name, weights and PyTorch key; the rearrangements have no parameters.
 */
public final class DilatedConvolution {

    private DilatedConvolution() { }

    /**
     * @param conv     the conv's builder with its kernel k×k (odd k), channels, bias, activation and initialisation;
     *                 stride, padding and dilation are set here
     * @param mapSize  {height, width} of {@code input}
     * @return the vertex that holds the conv's output, on the map's own grid (strided by {@code stride})
     */
    public static String add(GraphBuilder graph, String name, String input, ConvolutionLayer.Builder conv, int kernel,
            int dilation, int stride, long[] mapSize) {
        if (kernel % 2 == 0) {
            throw new IllegalArgumentException(name + ": size-preserving padding needs an odd kernel, got " + kernel);
        }
        int undilatedPadding = (kernel - 1) / 2;
        conv.convolutionMode(ConvolutionMode.Truncate);
        if (dilation == 1 || conv instanceof Convolution2d.Builder || (stride != 1 && stride != dilation)) {
            graph.addLayer(name, conv.stride(stride, stride).dilation(dilation, dilation)
                    .padding(dilation * undilatedPadding, dilation * undilatedPadding).build(), input);
            return name;
        }
        conv.stride(1, 1).dilation(1, 1).padding(undilatedPadding, undilatedPadding);
        if (stride == dilation) {
            graph.addVertex(name + "_subsample", new SubsampleVertex(dilation), input);
            graph.addLayer(name, conv.build(), name + "_subsample");
            return name;
        }
        graph.addVertex(name + "_to_batch", new SpaceToBatchVertex(dilation), input);
        graph.addLayer(name, conv.build(), name + "_to_batch");
        graph.addVertex(name + "_to_space", new BatchToSpaceVertex(dilation, mapSize[0], mapSize[1]), name);
        return name + "_to_space";
    }
}
