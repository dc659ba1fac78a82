package io.attnspark.model.layer;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

import org.deeplearning4j.nn.api.ParamInitializer;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.conf.memory.LayerMemoryReport;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Multi-head dot-product attention over the H·W positions with BoTNet's relative position logits (timm's
 * {@code PosEmbedRel}, from Attention Augmented Convolutional Networks), a layer on one packed NCHW input of 3C
 * channels holding Q, K, V in [0,C), [C,2C), [2C,3C), as {@link DotProductAttentionVertex} takes it. Per head (channels
 * {@code [h·d, (h+1)·d)}, d = C / heads), with query q at (y, x) and key at (y', x'):
 * <pre>
 *   logit = scale · q·k + q·heightRel[y' − y + H − 1] + q·widthRel[x' − x + W − 1]
 * </pre>
 * then a softmax over the keys and the weighted sum of the values, as [N, C, H, W]. The position logits are not scaled
 * (timm's default {@code scale_pos_embed=False}) and all heads share the two parameters, {@code heightRel} [2H−1, d] and
 * {@code widthRel} [2W−1, d] (timm's {@code pos_embed.height_rel} / {@code .width_rel}), initialized as timm does:
 * normal with standard deviation {@code scale} (timm's truncation at ±2 lies beyond 8 standard deviations from d = 16
 * on, so it is left out).
 * <p>
 * The parameters depend on the map size H×W, which DL4J passes to {@link #setNIn(InputType, boolean)} while it builds
 * the graph from its input types; without input types the layer cannot be sized and {@code init()} says so. A network
 * fed another map size than it was built for fails with a message instead of reading the wrong embeddings.
 * The runtime layer is {@link RelativePositionAttentionLayer}.
 */
public class RelativePositionAttention extends HandWrittenLayer {

    public static final String HEIGHT_KEY = "heightRel";
    public static final String WIDTH_KEY = "widthRel";

    private int heads;
    private double scale;
    private long height;
    private long width;

    /** For JSON deserialization. */
    public RelativePositionAttention() { }

    /**
     * @param heads the number of heads, which must divide the value channels
     * @param scale the factor of the query-key products, usually {@code 1 / sqrt(d)}
     */
    public RelativePositionAttention(int heads, double scale) {
        if (heads < 1) {
            throw new IllegalArgumentException("relative-position attention: heads must be at least 1, got " + heads);
        }
        if (!(scale > 0) || Double.isInfinite(scale)) {
            throw new IllegalArgumentException("relative-position attention: scale must be positive and finite, got " + scale);
        }
        this.heads = heads;
        this.scale = scale;
    }

    public int getHeads() {
        return heads;
    }

    public void setHeads(int heads) {
        this.heads = heads;
    }

    public double getScale() {
        return scale;
    }

    public void setScale(double scale) {
        this.scale = scale;
    }

    /** The map height the embeddings are sized for; 0 until the graph's input types have been applied. */
    public long getHeight() {
        return height;
    }

    public void setHeight(long height) {
        this.height = height;
    }

    public long getWidth() {
        return width;
    }

    public void setWidth(long width) {
        this.width = width;
    }

    /** Channels d of one head of the queries, keys and values. */
    public long headChannels() {
        return nOut / heads;
    }

    public long[] heightRelShape() {
        return new long[] {2 * height - 1, headChannels()};
    }

    public long[] widthRelShape() {
        return new long[] {2 * width - 1, headChannels()};
    }

    @Override
    protected org.deeplearning4j.nn.api.Layer runtimeLayer(NeuralNetConfiguration conf, DataType dataType) {
        return new RelativePositionAttentionLayer(conf, dataType);
    }

    @Override
    public ParamInitializer initializer() {
        return Params.INSTANCE;
    }

    @Override
    public InputType getOutputType(int layerIndex, InputType inputType) {
        var packed = packed(inputType);
        return InputType.convolutional(packed.getHeight(), packed.getWidth(), packed.getChannels() / 3);
    }

    /**
     * Takes the channels and the map size from the input type.
     *
     * @throws IllegalArgumentException when the layer was already sized for another map and {@code override} is false
     */
    @Override
    public void setNIn(InputType inputType, boolean override) {
        var packed = packed(inputType);
        if (height > 0 && !override && (height != packed.getHeight() || width != packed.getWidth())) {
            throw new IllegalArgumentException(describe() + ": its relative position embeddings are sized for a "
                    + height + "x" + width + " map, but the input is now " + packed.getHeight() + "x" + packed.getWidth()
                    + "; build the network anew for the new input size (the embeddings are learned per map size)");
        }
        if (nIn <= 0 || override) {
            nIn = packed.getChannels();
            nOut = nIn / 3;
        }
        height = packed.getHeight();
        width = packed.getWidth();
    }

    @Override
    public LayerMemoryReport getMemoryReport(InputType inputType) {
        var packed = packed(inputType);
        long positions = packed.getHeight() * packed.getWidth();
        // the attention matrix per head, and in backward also its gradient and the score gradient
        long attention = heads * positions * positions;
        return memoryReport(inputType, attention, 3 * attention);
    }

    private InputType.InputTypeConvolutional packed(InputType inputType) {
        var conv = nchwInput(inputType);
        if (conv.getChannels() % 3 != 0 || conv.getChannels() / 3 % heads != 0) {
            throw new IllegalArgumentException(describe() + " needs 3·C packed channels (Q, K, V) with C a multiple of the "
                    + heads + " heads; got " + conv.getChannels() + " channels");
        }
        return conv;
    }

    @Override
    protected String describe() {
        return "relative-position attention '" + getLayerName() + "'";
    }

    /** @throws IllegalStateException when the map size is not known, i.e. the graph was built without input types */
    void requireSize() {
        if (height < 1 || width < 1 || nOut < 1) {
            throw new IllegalStateException(describe() + ": the feature-map size is unknown, so the relative position"
                    + " embeddings cannot be sized; set the graph's input types (GraphBuilder.setInputTypes) before build()");
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof RelativePositionAttention other && super.equals(o) && heads == other.heads
                && scale == other.scale && height == other.height && width == other.width;
    }

    @Override
    public int hashCode() {
        return Objects.hash(super.hashCode(), heads, scale, height, width);
    }

    @Override
    public String toString() {
        return "RelativePositionAttention(name=" + getLayerName() + ", heads=" + heads + ", scale=" + scale + ", map="
                + height + "x" + width + ", channels=" + nOut + ")";
    }

    /** {@code heightRel} then {@code widthRel}, each in timm's layout [2·side − 1, d] and order ('c'). */
    static final class Params extends HandWrittenParams {
        static final Params INSTANCE = new Params();

        @Override
        protected Map<String, long[]> shapes(Layer layer) {
            var attention = (RelativePositionAttention) layer;
            attention.requireSize();
            Map<String, long[]> shapes = new LinkedHashMap<>();
            shapes.put(HEIGHT_KEY, attention.heightRelShape());
            shapes.put(WIDTH_KEY, attention.widthRelShape());
            return shapes;
        }

        /** Weights for regularization (timm decays every parameter of rank 2). */
        @Override
        public boolean isWeightParam(Layer layer, String key) {
            return HEIGHT_KEY.equals(key) || WIDTH_KEY.equals(key);
        }

        @Override
        public boolean isBiasParam(Layer layer, String key) {
            return false;
        }

        @Override
        protected void initialize(Layer layer, Map<String, INDArray> params) {
            var attention = (RelativePositionAttention) layer;
            for (INDArray embedding : params.values()) {
                embedding.assign(Nd4j.randn(embedding.dataType(), embedding.shape()).muli(attention.scale));
            }
        }
    }
}
