package io.attnspark.model.layer;

import org.bytedeco.dnnl.convolution_backward_data;
import org.bytedeco.dnnl.convolution_backward_weights;
import org.bytedeco.dnnl.convolution_forward;
import org.bytedeco.dnnl.memory;
import org.bytedeco.dnnl.primitive;
import org.bytedeco.dnnl.primitive_attr;
import org.bytedeco.dnnl.reorder;
import org.bytedeco.dnnl.stream;
import org.bytedeco.dnnl.IntMemoryMap;
import org.bytedeco.dnnl.global.dnnl;
import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * oneDNN's primitives for one {@link ConvolutionGeometry}, made once and shared by every layer and thread with those
 * shapes. Each primitive takes its arguments in the layout oneDNN picks for it (blocked, e.g. nChw16c), as PyTorch calls
 * it: the NCHW arrays of DL4J are reordered into the thread's {@link OneDnnScratch} and back.
 */
final class OneDnnConvolutionPlan {

    private final ConvolutionGeometry geometry;
    private final memory.desc inputLayout;
    private final memory.desc weightsLayout;
    private final memory.desc outputLayout;
    private final memory.desc biasLayout;
    private final convolution_forward.primitive_desc forwardDescriptor;
    private final Step forward;
    private Step backwardData;
    private Step backwardWeights;

    OneDnnConvolutionPlan(ConvolutionGeometry geometry) {
        this.geometry = geometry;
        inputLayout = OneDnn.plain(geometry.input(), memory.format_tag.nchw);
        weightsLayout = OneDnn.plain(geometry.weights(),
                geometry.groups() == 1 ? memory.format_tag.oihw : memory.format_tag.goihw);
        outputLayout = OneDnn.plain(geometry.output(), memory.format_tag.nchw);
        biasLayout = OneDnn.plain(new long[] {geometry.outChannels()}, memory.format_tag.x);
        var input = OneDnn.any(geometry.input());
        var weights = OneDnn.any(geometry.weights());
        var output = OneDnn.any(geometry.output());
        var description = geometry.bias()
                ? new convolution_forward.desc(dnnl.prop_kind.forward_training, dnnl.algorithm.convolution_direct,
                        input, weights, OneDnn.any(new long[] {geometry.outChannels()}), output, geometry.strides(),
                        geometry.dilations(), geometry.paddingBefore(), geometry.paddingAfter())
                : new convolution_forward.desc(dnnl.prop_kind.forward_training, dnnl.algorithm.convolution_direct,
                        input, weights, output, geometry.strides(), geometry.dilations(), geometry.paddingBefore(),
                        geometry.paddingAfter());
        forwardDescriptor = new convolution_forward.primitive_desc(description, userScratchpad(), OneDnn.ENGINE);
        forward = new Step(new convolution_forward(forwardDescriptor), forwardDescriptor.src_desc(),
                forwardDescriptor.weights_desc(), forwardDescriptor.dst_desc(), inputLayout, weightsLayout, outputLayout,
                forwardDescriptor.scratchpad_desc());
    }

    /** output = input * weights (+ bias); all NCHW / OIHW arrays of this plan's shapes. */
    void forward(INDArray input, INDArray weights, INDArray bias, INDArray output, LayerWorkspaceMgr workspaces) {
        stream stream = OneDnn.stream();
        OneDnnScratch scratch = OneDnnScratch.forCall(forward.scratchBytes);
        try (var scope = OneDnn.callScope()) {
            var arguments = new IntMemoryMap();
            arguments.put(dnnl.DNNL_ARG_SRC, forward.in(0, input, scratch, workspaces, ArrayType.FF_WORKING_MEM));
            arguments.put(dnnl.DNNL_ARG_WEIGHTS, forward.in(1, weights, scratch, workspaces, ArrayType.FF_WORKING_MEM));
            if (geometry.bias()) {
                INDArray denseBias = dense(bias, workspaces, ArrayType.FF_WORKING_MEM);
                arguments.put(dnnl.DNNL_ARG_BIAS, OneDnn.wrap(biasLayout, denseBias));
            }
            Output result = forward.out(2, output, scratch, workspaces, ArrayType.FF_WORKING_MEM);
            arguments.put(dnnl.DNNL_ARG_DST, result.memory());
            forward.execute(stream, arguments, scratch);
            result.deliver();
            stream._wait();
        }
    }

    /**
     * The gradients of the input (into {@code inputGradient}, unless null), of the weights and of the bias (into their
     * views) from the output's gradient. Both primitives usually want that gradient in the same layout: it is
     * reordered once.
     */
    void backward(INDArray input, INDArray weights, INDArray outputGradient, INDArray inputGradient,
                  INDArray weightsGradient, INDArray biasGradient, LayerWorkspaceMgr workspaces) {
        Step data = inputGradient == null ? null : backwardDataStep();
        Step filters = backwardWeightsStep();
        stream stream = OneDnn.stream();
        OneDnnScratch scratch = OneDnnScratch.forCall((data == null ? 0 : data.scratchBytes) + filters.scratchBytes);
        try (var scope = OneDnn.callScope()) {
            memory arrangedOutputGradient = null;
            if (data != null) {
                arrangedOutputGradient = data.in(0, outputGradient, scratch, workspaces, ArrayType.BP_WORKING_MEM);
                var dataArguments = new IntMemoryMap();
                dataArguments.put(dnnl.DNNL_ARG_DIFF_DST, arrangedOutputGradient);
                dataArguments.put(dnnl.DNNL_ARG_WEIGHTS, data.in(1, weights, scratch, workspaces, ArrayType.BP_WORKING_MEM));
                Output dataResult = data.out(2, inputGradient, scratch, workspaces, ArrayType.BP_WORKING_MEM);
                dataArguments.put(dnnl.DNNL_ARG_DIFF_SRC, dataResult.memory());
                data.execute(stream, dataArguments, scratch);
                dataResult.deliver();
            }

            var filterArguments = new IntMemoryMap();
            filterArguments.put(dnnl.DNNL_ARG_SRC, filters.in(0, input, scratch, workspaces, ArrayType.BP_WORKING_MEM));
            filterArguments.put(dnnl.DNNL_ARG_DIFF_DST, data != null && data.layouts[0].equals(filters.layouts[1])
                    ? arrangedOutputGradient
                    : filters.in(1, outputGradient, scratch, workspaces, ArrayType.BP_WORKING_MEM));
            Output filterResult = filters.out(2, weightsGradient, scratch, workspaces, ArrayType.BP_WORKING_MEM);
            filterArguments.put(dnnl.DNNL_ARG_DIFF_WEIGHTS, filterResult.memory());
            INDArray denseBiasGradient = geometry.bias() ? dense(biasGradient, workspaces, ArrayType.BP_WORKING_MEM) : null;
            if (geometry.bias()) {
                filterArguments.put(dnnl.DNNL_ARG_DIFF_BIAS, OneDnn.wrap(biasLayout, denseBiasGradient));
            }
            filters.execute(stream, filterArguments, scratch);
            filterResult.deliver();
            if (denseBiasGradient != biasGradient) {
                biasGradient.assign(denseBiasGradient.reshape(biasGradient.shape()));
            }
            stream._wait();
        }
    }

    private synchronized Step backwardDataStep() {
        if (backwardData == null) {
            var description = new convolution_backward_data.desc(dnnl.algorithm.convolution_direct,
                    OneDnn.any(geometry.input()), OneDnn.any(geometry.weights()), OneDnn.any(geometry.output()),
                    geometry.strides(), geometry.dilations(), geometry.paddingBefore(), geometry.paddingAfter());
            var descriptor = new convolution_backward_data.primitive_desc(description, userScratchpad(), OneDnn.ENGINE,
                    forwardDescriptor);
            backwardData = new Step(new convolution_backward_data(descriptor), descriptor.diff_dst_desc(),
                    descriptor.weights_desc(), descriptor.diff_src_desc(), outputLayout, weightsLayout, inputLayout,
                    descriptor.scratchpad_desc());
        }
        return backwardData;
    }

    private synchronized Step backwardWeightsStep() {
        if (backwardWeights == null) {
            var input = OneDnn.any(geometry.input());
            var weights = OneDnn.any(geometry.weights());
            var output = OneDnn.any(geometry.output());
            var description = geometry.bias()
                    ? new convolution_backward_weights.desc(dnnl.algorithm.convolution_direct, input, weights,
                            OneDnn.any(new long[] {geometry.outChannels()}), output, geometry.strides(),
                            geometry.dilations(), geometry.paddingBefore(), geometry.paddingAfter())
                    : new convolution_backward_weights.desc(dnnl.algorithm.convolution_direct, input, weights, output,
                            geometry.strides(), geometry.dilations(), geometry.paddingBefore(), geometry.paddingAfter());
            var descriptor = new convolution_backward_weights.primitive_desc(description, userScratchpad(), OneDnn.ENGINE,
                    forwardDescriptor);
            backwardWeights = new Step(new convolution_backward_weights(descriptor), descriptor.src_desc(),
                    descriptor.diff_dst_desc(), descriptor.diff_weights_desc(), inputLayout, outputLayout, weightsLayout,
                    descriptor.scratchpad_desc());
        }
        return backwardWeights;
    }

    /**
     * One primitive with two inputs and one output, each in the layout the primitive wants, and the plain layout of
     * the NCHW / OIHW array it comes from or goes to. A reorder exists only where the two differ.
     */
    private static final class Step {
        final primitive primitive;
        final memory.desc[] layouts;
        final memory.desc[] plainLayouts;
        final reorder[] reorders = new reorder[3];
        /** The primitive's own temporary memory, which it takes from the caller's scratch. */
        final memory.desc scratchpad;
        /** Room for the reordered copies and the scratchpad of one call. */
        final long scratchBytes;

        Step(primitive primitive, memory.desc first, memory.desc second, memory.desc out, memory.desc plainFirst,
             memory.desc plainSecond, memory.desc plainOut, memory.desc scratchpad) {
            this.primitive = primitive;
            this.scratchpad = scratchpad;
            layouts = new memory.desc[] {first, second, out};
            plainLayouts = new memory.desc[] {plainFirst, plainSecond, plainOut};
            long bytes = OneDnnScratch.aligned(scratchpad.get_size());
            for (int i = 0; i < 3; i++) {
                if (!layouts[i].equals(plainLayouts[i])) {
                    reorders[i] = i < 2 ? reorder(plainLayouts[i], layouts[i]) : reorder(layouts[i], plainLayouts[i]);
                    bytes += OneDnnScratch.aligned(layouts[i].get_size());
                }
            }
            scratchBytes = bytes;
        }

        /**
         * The i-th input in the primitive's layout: the array itself or a reordered copy in the scratch. An array
         * that is not dense is copied first, in the workspace of {@code denseType}.
         */
        memory in(int i, INDArray array, OneDnnScratch scratch, LayerWorkspaceMgr workspaces, ArrayType denseType) {
            memory plain = OneDnn.wrap(plainLayouts[i], dense(array, workspaces, denseType));
            if (reorders[i] == null) {
                return plain;
            }
            memory arranged = new memory(layouts[i], OneDnn.ENGINE, scratch.take(layouts[i].get_size()));
            runReorder(reorders[i], plain, arranged);
            return arranged;
        }

        /** Runs the primitive, with its scratchpad in the caller's scratch. */
        void execute(stream stream, IntMemoryMap arguments, OneDnnScratch scratch) {
            long bytes = scratchpad.get_size();
            if (bytes > 0) {
                arguments.put(dnnl.DNNL_ARG_SCRATCHPAD, new memory(scratchpad, OneDnn.ENGINE, scratch.take(bytes)));
            }
            primitive.execute(stream, arguments);
        }

        Output out(int i, INDArray array, OneDnnScratch scratch, LayerWorkspaceMgr workspaces, ArrayType denseType) {
            INDArray target = dense(array, workspaces, denseType);
            memory plain = OneDnn.wrap(plainLayouts[i], target);
            memory arranged = reorders[i] == null ? plain
                    : new memory(layouts[i], OneDnn.ENGINE, scratch.take(layouts[i].get_size()));
            return new Output(arranged, () -> {
                if (arranged != plain) {
                    runReorder(reorders[i], arranged, plain);
                }
                if (target != array) {
                    array.assign(target);
                }
            });
        }
    }

    /** The primitive's output memory, and what copies it into the caller's array once the primitive ran. */
    private record Output(memory memory, Runnable copyBack) {
        void deliver() {
            copyBack.run();
        }
    }

    /**
     * Primitives take their temporary memory (a strided 1x1 conv's subsampled input, per-thread weight-gradient sums)
     * from the call's scratch instead of allocating and freeing it at every execution.
     */
    private static primitive_attr userScratchpad() {
        var attributes = new primitive_attr();
        attributes.set_scratchpad_mode(dnnl.scratchpad_mode.user);
        return attributes;
    }

    private static reorder reorder(memory.desc from, memory.desc to) {
        return new reorder(new reorder.primitive_desc(OneDnn.ENGINE, from, OneDnn.ENGINE, to));
    }

    private static void runReorder(reorder reorder, memory from, memory to) {
        var arguments = new IntMemoryMap();
        arguments.put(dnnl.DNNL_ARG_FROM, from);
        arguments.put(dnnl.DNNL_ARG_TO, to);
        reorder.execute(OneDnn.stream(), arguments);
    }

    /** The array itself when its elements lie densely in C order (as oneDNN's plain layouts need), else a copy. */
    private static INDArray dense(INDArray array, LayerWorkspaceMgr workspaces, ArrayType type) {
        return OneDnn.isDense(array) ? array : workspaces.dup(type, array, 'c');
    }
}
