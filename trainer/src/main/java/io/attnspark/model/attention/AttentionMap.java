package io.attnspark.model.attention;

import java.util.Arrays;
import java.util.Objects;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.transforms.custom.SoftMax;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * One attention map of one module instance: the vertex whose activation holds the weights the module applies, and how
 * to read them. {@link AttentionModule#attentionMaps} lists them, so that a tool can show what a trained module attends
 * to without knowing the module.
 *
 * @param module  the module instance, i.e. the prefix it was attached with (e.g. {@code layer1.0.attn})
 * @param vertex  the graph vertex to read (e.g. {@code layer1.0.attn_expand})
 * @param kind    per channel or over the positions of the feature map
 * @param reading how the vertex's activation becomes the weights
 */
public record AttentionMap(String module, String vertex, Kind kind, Reading reading) {

    /** What the weights range over. */
    public enum Kind {
        /** One weight per channel: {@link #weights} gives [N,C]. */
        CHANNEL,
        /** One weight per position of the feature map: {@link #weights} gives [N,H,W]. */
        SPATIAL
    }

    /** How the vertex's activation becomes the weights. */
    public enum Reading {
        /** The activation is the gate itself: C values per example, or [N,1,H,W]. */
        GATE,
        /** [N,C,H,W] per-element gate; the map is its mean over the channels. */
        CHANNEL_MEAN,
        /** [N,C,H,W] logits of a per-element sigmoid gate; the map is the gate's mean over the channels. */
        SIGMOID_CHANNEL_MEAN,
        /** [N,1,H,W] logits of a softmax over all H·W positions (attention pooling). */
        SOFTMAX_OVER_POSITIONS
    }

    public AttentionMap {
        Objects.requireNonNull(module, "module");
        Objects.requireNonNull(vertex, "vertex");
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(reading, "reading");
        if (kind == Kind.CHANNEL && reading != Reading.GATE) {
            throw new IllegalArgumentException("a channel map is read as a gate, got " + reading + " for " + vertex);
        }
    }

    /** A gate read as is. */
    public static AttentionMap gate(String module, String vertex, Kind kind) {
        return new AttentionMap(module, vertex, kind, Reading.GATE);
    }

    /**
     * The weights in {@code activation}, the output of {@link #vertex} for a batch of N examples.
     *
     * @return a new [N,C] array for {@link Kind#CHANNEL}, a new [N,H,W] array for {@link Kind#SPATIAL}
     * @throws IllegalArgumentException when the activation's shape does not fit the kind and reading
     */
    public INDArray weights(INDArray activation) {
        long n = activation.size(0);
        if (kind == Kind.CHANNEL) {
            // [N,C], [N,C,1,1] and ECA's [N,1,1,C] all hold C values per example in channel order
            return activation.dup('c').reshape('c', n, activation.length() / n);
        }
        if (activation.rank() != 4) {
            throw new IllegalArgumentException(vertex + ": a spatial map needs an [N,C,H,W] activation, got "
                    + Arrays.toString(activation.shape()));
        }
        long h = activation.size(2);
        long w = activation.size(3);
        return switch (reading) {
            case GATE -> singleChannel(activation).dup('c').reshape('c', n, h, w);
            case CHANNEL_MEAN -> activation.mean(1).reshape('c', n, h, w);
            case SIGMOID_CHANNEL_MEAN -> Transforms.sigmoid(activation, true).mean(1).reshape('c', n, h, w);
            case SOFTMAX_OVER_POSITIONS -> {
                INDArray logits = singleChannel(activation).dup('c').reshape('c', n, h * w);
                yield Nd4j.exec(new SoftMax(logits, 1))[0]
                        .reshape('c', n, h, w);
            }
        };
    }

    private INDArray singleChannel(INDArray activation) {
        if (activation.size(1) != 1) {
            throw new IllegalArgumentException(vertex + ": expected one channel, got " + activation.size(1));
        }
        return activation;
    }
}
