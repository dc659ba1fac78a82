package io.attnspark.datasets.image;

import static org.bytedeco.opencv.global.opencv_core.BORDER_CONSTANT;
import static org.bytedeco.opencv.global.opencv_core.copyMakeBorder;
import static org.bytedeco.opencv.global.opencv_core.flip;
import static org.bytedeco.opencv.global.opencv_imgproc.INTER_LINEAR;
import static org.bytedeco.opencv.global.opencv_imgproc.resize;

import java.util.random.RandomGenerator;

import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Rect;
import org.bytedeco.opencv.opencv_core.Scalar;
import org.bytedeco.opencv.opencv_core.Size;

/**
 * The small-image augmentation of the CIFAR and Fashion-MNIST literature, as torchvision composes it:
 * {@code Resize((size, size))} (bilinear; skipped when the image already has that size),
 * {@code RandomCrop(size, padding)} with black padding, {@code RandomHorizontalFlip(p)}, ToTensor and ImageNet
 * Normalize. It keeps the whole object in view, where RandomResizedCrop(0.08-1) would often show a 28-px garment as a
 * few blurred pixels.
 */
public record PadCropTransform(int size, int padding, double flipProbability) implements ImageTransform {

    public PadCropTransform {
        if (size <= 0) {
            throw new IllegalArgumentException("size must be > 0, got " + size);
        }
        if (padding < 0 || padding >= size) {
            throw new IllegalArgumentException("padding must be in [0, size " + size + "), got " + padding);
        }
        if (!(flipProbability >= 0 && flipProbability <= 1)) {
            throw new IllegalArgumentException("flip probability must be in [0, 1], got " + flipProbability);
        }
    }

    /** Crops at a uniform offset of 0..2*padding each way, as torchvision's RandomCrop.get_params draws (top first). */
    @Override
    public void apply(Mat rgb, RandomGenerator rng, float[] dst, int offset) {
        int top = rng.nextInt(2 * padding + 1);
        int left = rng.nextInt(2 * padding + 1);
        boolean mirror = rng.nextDouble() < flipProbability;
        apply(rgb, top, left, mirror, dst, offset);
    }

    /** The transform at a chosen crop offset into the padded image, and flip. */
    void apply(Mat rgb, int top, int left, boolean mirror, float[] dst, int offset) {
        try (Mat padded = padded(rgb);
             Rect window = new Rect(left, top, size, size);
             Mat crop = new Mat(padded, window)) {
            if (mirror) {
                try (Mat mirrored = new Mat()) {
                    flip(crop, mirrored, 1);
                    ChwWriter.writeNormalized(mirrored, dst, offset);
                }
            } else {
                ChwWriter.writeNormalized(crop, dst, offset);
            }
        }
    }

    /** The image at {@code size x size} (bilinear when it is not already) with the black border around it. */
    private Mat padded(Mat rgb) {
        Mat padded = new Mat();
        try (Scalar black = new Scalar(0.0)) {
            if (rgb.cols() == size && rgb.rows() == size) {
                copyMakeBorder(rgb, padded, padding, padding, padding, padding, BORDER_CONSTANT, black);
            } else {
                try (Mat resized = new Mat(); Size target = new Size(size, size)) {
                    resize(rgb, resized, target, 0, 0, INTER_LINEAR);
                    copyMakeBorder(resized, padded, padding, padding, padding, padding, BORDER_CONSTANT, black);
                }
            }
        }
        return padded;
    }
}
