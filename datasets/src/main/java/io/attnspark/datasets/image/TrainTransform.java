package io.attnspark.datasets.image;

import static org.bytedeco.opencv.global.opencv_core.flip;
import static org.bytedeco.opencv.global.opencv_imgproc.INTER_LINEAR;
import static org.bytedeco.opencv.global.opencv_imgproc.resize;

import java.util.random.RandomGenerator;

import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Rect;
import org.bytedeco.opencv.opencv_core.Size;

/**
 * torchvision's {@code RandomResizedCrop(size, scale, ratio)} (bilinear) followed by {@code RandomHorizontalFlip(p)},
 * ToTensor and ImageNet Normalize.
 */
public record TrainTransform(int size, double minScale, double maxScale, double minRatio, double maxRatio,
                             double flipProbability) implements ImageTransform {
    private static final int CROP_ATTEMPTS = 10;

    public TrainTransform {
        if (size <= 0) {
            throw new IllegalArgumentException("size must be > 0, got " + size);
        }
        if (!(minScale > 0 && minScale <= maxScale && maxScale <= 1)) {
            throw new IllegalArgumentException("scale range must satisfy 0 < min <= max <= 1, got [" + minScale + ", "
                    + maxScale + "]");
        }
        if (!(minRatio > 0 && minRatio <= maxRatio)) {
            throw new IllegalArgumentException("ratio range must satisfy 0 < min <= max, got [" + minRatio + ", "
                    + maxRatio + "]");
        }
        if (!(flipProbability >= 0 && flipProbability <= 1)) {
            throw new IllegalArgumentException("flip probability must be in [0, 1], got " + flipProbability);
        }
    }

    /** The standard ImageNet recipe: scale 0.08-1, ratio 3/4-4/3, flip with p = 0.5. */
    public static TrainTransform imagenet(int size) {
        return new TrainTransform(size, 0.08, 1.0, 3.0 / 4.0, 4.0 / 3.0, 0.5);
    }

    /**
     * torchvision's {@code RandomResizedCrop.get_params}: ten tries at a random area and log-uniform aspect ratio,
     * then a center crop clamped to the ratio range. Python's round() is half-to-even, hence {@link Math#rint}.
     */
    public CropBox sampleCrop(int width, int height, RandomGenerator rng) {
        double area = (double) width * height;
        double logMinRatio = Math.log(minRatio);
        double logMaxRatio = Math.log(maxRatio);
        for (int attempt = 0; attempt < CROP_ATTEMPTS; attempt++) {
            double targetArea = area * uniform(rng, minScale, maxScale);
            double aspectRatio = Math.exp(uniform(rng, logMinRatio, logMaxRatio));
            int w = (int) Math.rint(Math.sqrt(targetArea * aspectRatio));
            int h = (int) Math.rint(Math.sqrt(targetArea / aspectRatio));
            if (0 < w && w <= width && 0 < h && h <= height) {
                int top = rng.nextInt(height - h + 1);
                int left = rng.nextInt(width - w + 1);
                return new CropBox(top, left, h, w);
            }
        }
        double inRatio = (double) width / height;
        int w;
        int h;
        if (inRatio < minRatio) {
            w = width;
            h = (int) Math.rint(w / minRatio);
        } else if (inRatio > maxRatio) {
            h = height;
            w = (int) Math.rint(h * maxRatio);
        } else {
            w = width;
            h = height;
        }
        return new CropBox((height - h) / 2, (width - w) / 2, h, w);
    }

    @Override
    public void apply(Mat rgb, RandomGenerator rng, float[] dst, int offset) {
        CropBox box = sampleCrop(rgb.cols(), rgb.rows(), rng);
        boolean mirror = rng.nextDouble() < flipProbability;
        cropResizeWrite(rgb, box, mirror, dst, offset);
    }

    /**
     * Samples the crop from the JPEG header's size, as {@link #apply} would from the decoded image (same random draws,
     * same crop), then decodes at the largest 1/2, 1/4 or 1/8 scale that still leaves the crop at least {@code size}
     * pixels each way, so only ever downscaling. Output differs from a full decode only by libjpeg's DCT scaling versus
     * bilinear resampling; images too small for a reduction (most 500x375 ImageNet photos at 224) come out identical.
     */
    @Override
    public void decodeAndApply(byte[] encoded, String name, RandomGenerator rng, float[] dst, int offset)
            throws ImageDecodeException {
        int[] header = ImageDecoder.jpegSize(encoded);
        if (header == null) {
            ImageTransform.super.decodeAndApply(encoded, name, rng, dst, offset);
            return;
        }
        CropBox box = sampleCrop(header[0], header[1], rng);
        boolean mirror = rng.nextDouble() < flipProbability;
        int factor = reduction(box);
        try (Mat rgb = ImageDecoder.decodeRgbReduced(encoded, name, factor)) {
            CropBox scaled = factor == 1 ? box : box.scaledDown(factor, rgb.cols(), rgb.rows());
            if (!scaled.fitsIn(rgb.cols(), rgb.rows())) {
                // the header lied about the size: crop what was decoded
                scaled = sampleCrop(rgb.cols(), rgb.rows(), rng);
            }
            cropResizeWrite(rgb, scaled, mirror, dst, offset);
        }
    }

    /** The largest of 8, 4, 2 by which the crop can shrink and still cover {@code size} x {@code size}; else 1. */
    int reduction(CropBox box) {
        for (int factor = 8; factor > 1; factor /= 2) {
            if (box.width() / factor >= size && box.height() / factor >= size) {
                return factor;
            }
        }
        return 1;
    }

    private void cropResizeWrite(Mat rgb, CropBox box, boolean mirror, float[] dst, int offset) {
        try (Rect rect = new Rect(box.left(), box.top(), box.width(), box.height());
             Mat crop = new Mat(rgb, rect);
             Size target = new Size(size, size);
             Mat resized = new Mat()) {
            resize(crop, resized, target, 0, 0, INTER_LINEAR);
            if (mirror) {
                flip(resized, resized, 1);
            }
            ChwWriter.writeNormalized(resized, dst, offset);
        }
    }

    /** torch's uniform_(lo, hi); nextDouble(lo, hi) rejects an empty range, which a fixed scale or ratio is. */
    private static double uniform(RandomGenerator rng, double lo, double hi) {
        return lo == hi ? lo : rng.nextDouble(lo, hi);
    }
}
