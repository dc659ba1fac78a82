package io.attnspark.model.layer;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.bytedeco.dnnl.IntMemoryMap;
import org.bytedeco.dnnl.binary;
import org.bytedeco.dnnl.eltwise_backward;
import org.bytedeco.dnnl.eltwise_forward;
import org.bytedeco.dnnl.memory;
import org.bytedeco.dnnl.post_ops;
import org.bytedeco.dnnl.primitive;
import org.bytedeco.dnnl.primitive_attr;
import org.bytedeco.dnnl.global.dnnl;
import org.bytedeco.dnnl.global.dnnl.algorithm;
import org.bytedeco.dnnl.global.dnnl.prop_kind;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * {@link Relu}'s and {@link Sigmoid}'s passes on oneDNN 2.5's primitives, for float arrays without gaps in host memory,
 * seen as vectors: the ReLU, its gradient in one pass where ND4J takes a step mask and a multiply, a sum with the ReLU
 * fused (a residual block's end) where ND4J takes an add and a ReLU; the sigmoid and its gradient from its output; and
 * a product plus a third array in one pass.
 */
final class OneDnnElementwise {

    private enum Kind { RELU, RELU_GRADIENT, ADD_RELU, SIGMOID, SIGMOID_GRADIENT, MULTIPLY_ADD }

    private record Key(Kind kind, long length) { }

    private record Planned(primitive primitive, memory.desc vector) { }

    private static final Map<Key, Planned> PRIMITIVES = new ConcurrentHashMap<>();

    private OneDnnElementwise() { }

    /** {@code out = max(x, 0)}; {@code out} may be {@code x}. */
    static void relu(INDArray x, INDArray out) {
        run(Kind.RELU, new int[] {dnnl.DNNL_ARG_SRC, dnnl.DNNL_ARG_DST}, x, out);
    }

    /** {@code target = epsilon} where {@code activation > 0}, else 0. */
    static void reluGradient(INDArray activation, INDArray epsilon, INDArray target) {
        run(Kind.RELU_GRADIENT, new int[] {dnnl.DNNL_ARG_DST, dnnl.DNNL_ARG_DIFF_DST, dnnl.DNNL_ARG_DIFF_SRC},
                activation, epsilon, target);
    }

    /** {@code out = max(a + b, 0)}; {@code out} may be {@code a} or {@code b}. */
    static void addRelu(INDArray a, INDArray b, INDArray out) {
        run(Kind.ADD_RELU, new int[] {dnnl.DNNL_ARG_SRC_0, dnnl.DNNL_ARG_SRC_1, dnnl.DNNL_ARG_DST}, a, b, out);
    }

    /** {@code out = 1 / (1 + exp(-x))}; {@code out} may be {@code x}. */
    static void sigmoid(INDArray x, INDArray out) {
        run(Kind.SIGMOID, new int[] {dnnl.DNNL_ARG_SRC, dnnl.DNNL_ARG_DST}, x, out);
    }

    /** {@code target = epsilon · s · (1 - s)} for the sigmoid's output {@code s}; {@code target} may be {@code epsilon}. */
    static void sigmoidGradient(INDArray s, INDArray epsilon, INDArray target) {
        run(Kind.SIGMOID_GRADIENT, new int[] {dnnl.DNNL_ARG_DST, dnnl.DNNL_ARG_DIFF_DST, dnnl.DNNL_ARG_DIFF_SRC},
                s, epsilon, target);
    }

    /** {@code out = a · b + c}; {@code out} may be any of them. */
    static void multiplyAdd(INDArray a, INDArray b, INDArray c, INDArray out) {
        run(Kind.MULTIPLY_ADD, new int[] {dnnl.DNNL_ARG_SRC_0, dnnl.DNNL_ARG_SRC_1,
            dnnl.DNNL_ARG_ATTR_MULTIPLE_POST_OP_BASE | dnnl.DNNL_ARG_SRC_1, dnnl.DNNL_ARG_DST}, a, b, c, out);
    }

    /** Runs the primitive of {@code kind} for arrays of one length, each as the argument of the same index. */
    private static void run(Kind kind, int[] arguments, INDArray... arrays) {
        Planned planned = PRIMITIVES.computeIfAbsent(new Key(kind, arrays[0].length()), OneDnnElementwise::create);
        try (var scope = OneDnn.callScope()) {
            var map = new IntMemoryMap();
            for (int i = 0; i < arguments.length; i++) {
                map.put(arguments[i], OneDnn.wrap(planned.vector(), arrays[i]));
            }
            OneDnn.execute(planned.primitive(), map);
        }
    }

    private static Planned create(Key key) {
        memory.desc vector = OneDnn.plain(new long[] {key.length()}, memory.format_tag.a);
        var attributes = new primitive_attr();
        attributes.set_scratchpad_mode(dnnl.scratchpad_mode.user);
        primitive primitive = switch (key.kind()) {
            case RELU -> new eltwise_forward(forward(algorithm.eltwise_relu, vector, attributes));
            case RELU_GRADIENT -> new eltwise_backward(new eltwise_backward.primitive_desc(
                    new eltwise_backward.desc(algorithm.eltwise_relu_use_dst_for_bwd, vector, vector, 0f, 0f),
                    attributes, OneDnn.ENGINE, forward(algorithm.eltwise_relu_use_dst_for_bwd, vector, attributes)));
            case ADD_RELU -> {
                var postOps = new post_ops();
                postOps.append_eltwise(1f, algorithm.eltwise_relu, 0f, 0f);
                attributes.set_post_ops(postOps);
                yield new binary(new binary.primitive_desc(new binary.desc(algorithm.binary_add, vector, vector, vector),
                        attributes, OneDnn.ENGINE));
            }
            case SIGMOID -> new eltwise_forward(forward(algorithm.eltwise_logistic, vector, attributes));
            case SIGMOID_GRADIENT -> new eltwise_backward(new eltwise_backward.primitive_desc(
                    new eltwise_backward.desc(algorithm.eltwise_logistic_use_dst_for_bwd, vector, vector, 0f, 0f),
                    attributes, OneDnn.ENGINE, forward(algorithm.eltwise_logistic_use_dst_for_bwd, vector, attributes)));
            case MULTIPLY_ADD -> {
                var postOps = new post_ops();
                postOps.append_binary(algorithm.binary_add, vector);
                attributes.set_post_ops(postOps);
                yield new binary(new binary.primitive_desc(new binary.desc(algorithm.binary_mul, vector, vector, vector),
                        attributes, OneDnn.ENGINE));
            }
        };
        return new Planned(primitive, vector);
    }

    private static eltwise_forward.primitive_desc forward(algorithm function, memory.desc vector,
                                                          primitive_attr attributes) {
        return new eltwise_forward.primitive_desc(new eltwise_forward.desc(prop_kind.forward_training, function, vector,
                0f, 0f), attributes, OneDnn.ENGINE);
    }
}
