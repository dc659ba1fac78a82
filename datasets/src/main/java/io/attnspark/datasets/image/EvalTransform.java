package io.attnspark.datasets.image;

import static org.bytedeco.opencv.global.opencv_imgproc.INTER_LINEAR;
import static org.bytedeco.opencv.global.opencv_imgproc.resize;

import java.util.random.RandomGenerator;

import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Rect;
import org.bytedeco.opencv.opencv_core.Size;

/**
 * torchvision's eval pipeline: {@code Resize(round(size / cropFraction))} (short side, bilinear),
 * {@code CenterCrop(size)}, ToTensor, ImageNet Normalize. Deterministic.
 */
public record EvalTransform(int size, double cropFraction) implements ImageTransform {
    /** 224 / 256, the ImageNet convention. */
    public static final double IMAGENET_CROP_FRACTION = 0.875;

    public EvalTransform {
        if (size <= 0) {
            throw new IllegalArgumentException("size must be > 0, got " + size);
        }
        if (!(cropFraction > 0 && cropFraction <= 1)) {
            throw new IllegalArgumentException("crop fraction must be in (0, 1], got " + cropFraction);
        }
    }

    public static EvalTransform imagenet(int size) {
        return new EvalTransform(size, IMAGENET_CROP_FRACTION);
    }

    /** The short side after resizing: 256 for size 224. */
    public int resizeShortSide() {
        return (int) Math.rint(size / cropFraction);
    }

    @Override
    public void apply(Mat rgb, RandomGenerator rng, float[] dst, int offset) {
        int width = rgb.cols();
        int height = rgb.rows();
        int shortSide = resizeShortSide();
        // torchvision keeps the aspect ratio and truncates the long side: int(short * long / short_in)
        int newWidth;
        int newHeight;
        if (width <= height) {
            newWidth = shortSide;
            newHeight = (int) ((long) shortSide * height / width);
        } else {
            newHeight = shortSide;
            newWidth = (int) ((long) shortSide * width / height);
        }
        int top = (int) Math.rint((newHeight - size) / 2.0);
        int left = (int) Math.rint((newWidth - size) / 2.0);
        try (Size target = new Size(newWidth, newHeight);
             Mat resized = new Mat();
             Rect rect = new Rect(left, top, size, size)) {
            resize(rgb, resized, target, 0, 0, INTER_LINEAR);
            try (Mat crop = new Mat(resized, rect)) {
                ChwWriter.writeNormalized(crop, dst, offset);
            }
        }
    }
}
