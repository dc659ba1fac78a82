package io.attnspark.model.layer;

import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.util.ConvolutionUtils;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * One 2-D convolution's shapes, NCHW, as oneDNN describes them: dilation counted from 0, the padding after the input
 * given explicitly (asymmetric in DL4J's Same mode), and groups of channels (weights {@code [out, in / groups, k, k]},
 * torch's order, which is oneDNN's goihw).
 */
record ConvolutionGeometry(long batch, long inChannels, long height, long width, long outChannels, long kernelHeight,
                           long kernelWidth, long strideHeight, long strideWidth, long dilationHeight, long dilationWidth,
                           long padTop, long padLeft, long padBottom, long padRight, long outHeight, long outWidth,
                           boolean bias, long groups) {

    static ConvolutionGeometry of(INDArray input, long outChannels, int[] kernel, int[] strides, int[] pad,
                                  int[] dilation, ConvolutionMode mode, boolean bias, int groups) {
        int[] out = ConvolutionUtils.getOutputSize(input, kernel, strides, pad, mode, dilation, CNN2DFormat.NCHW);
        int height = (int) input.size(2);
        int width = (int) input.size(3);
        int[] before = mode == ConvolutionMode.Same
                ? ConvolutionUtils.getSameModeTopLeftPadding(out, new int[] {height, width}, kernel, strides, dilation)
                : pad;
        // Same mode pads what the output needs; the other modes pad both sides alike and drop what does not fit
        int[] after = mode == ConvolutionMode.Same
                ? new int[] {
                    padAfter(out[0], strides[0], kernel[0], dilation[0], height, before[0]),
                    padAfter(out[1], strides[1], kernel[1], dilation[1], width, before[1])}
                : pad;
        return new ConvolutionGeometry(input.size(0), input.size(1), height, width, outChannels, kernel[0], kernel[1],
                strides[0], strides[1], dilation[0] - 1, dilation[1] - 1, before[0], before[1], after[0], after[1],
                out[0], out[1], bias, groups);
    }

    private static int padAfter(int out, int stride, int kernel, int dilation, int in, int before) {
        return Math.max(0, (out - 1) * stride + (kernel - 1) * dilation + 1 - in - before);
    }

    long[] input() {
        return new long[] {batch, inChannels, height, width};
    }

    long[] weights() {
        return groups == 1
                ? new long[] {outChannels, inChannels, kernelHeight, kernelWidth}
                : new long[] {groups, outChannels / groups, inChannels / groups, kernelHeight, kernelWidth};
    }

    long[] output() {
        return new long[] {batch, outChannels, outHeight, outWidth};
    }

    long[] strides() {
        return new long[] {strideHeight, strideWidth};
    }

    long[] dilations() {
        return new long[] {dilationHeight, dilationWidth};
    }

    long[] paddingBefore() {
        return new long[] {padTop, padLeft};
    }

    long[] paddingAfter() {
        return new long[] {padBottom, padRight};
    }
}
