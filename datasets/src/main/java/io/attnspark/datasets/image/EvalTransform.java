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

    /**
     * The part of a {@code width x height} image that the output shows, in the image's own pixels (rounded outwards
     * to whole pixels), e.g. to lay a map computed on the output back over the image.
     */
    public CropBox sourceRegion(int width, int height) {
        int[] resized = resizedSize(width, height);
        double scaleX = (double) width / resized[0];
        double scaleY = (double) height / resized[1];
        int left = (int) Math.floor(cropOffset(resized[0]) * scaleX);
        int top = (int) Math.floor(cropOffset(resized[1]) * scaleY);
        int cropWidth = (int) Math.ceil((cropOffset(resized[0]) + size) * scaleX) - left;
        int cropHeight = (int) Math.ceil((cropOffset(resized[1]) + size) * scaleY) - top;
        return new CropBox(top, left, Math.min(cropHeight, height - top), Math.min(cropWidth, width - left));
    }

    /** {width, height} after the short-side resize; torchvision keeps the aspect ratio and truncates the long side. */
    private int[] resizedSize(int width, int height) {
        int shortSide = resizeShortSide();
        return width <= height
                ? new int[] {shortSide, (int) ((long) shortSide * height / width)}
                : new int[] {(int) ((long) shortSide * width / height), shortSide};
    }

    private int cropOffset(int resizedSide) {
        return (int) Math.rint((resizedSide - size) / 2.0);
    }

    @Override
    public void apply(Mat rgb, RandomGenerator rng, float[] dst, int offset) {
        int[] newSize = resizedSize(rgb.cols(), rgb.rows());
        int newWidth = newSize[0];
        int newHeight = newSize[1];
        int top = cropOffset(newHeight);
        int left = cropOffset(newWidth);
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
