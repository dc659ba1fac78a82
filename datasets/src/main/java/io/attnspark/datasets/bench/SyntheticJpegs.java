package io.attnspark.datasets.bench;

import static org.bytedeco.opencv.global.opencv_core.CV_32FC3;
import static org.bytedeco.opencv.global.opencv_core.CV_8UC3;
import static org.bytedeco.opencv.global.opencv_core.add;
import static org.bytedeco.opencv.global.opencv_imgcodecs.IMWRITE_JPEG_QUALITY;
import static org.bytedeco.opencv.global.opencv_imgcodecs.imencode;
import static org.bytedeco.opencv.global.opencv_imgproc.GaussianBlur;
import static org.bytedeco.opencv.global.opencv_imgproc.LINE_AA;
import static org.bytedeco.opencv.global.opencv_imgproc.circle;
import static org.bytedeco.opencv.global.opencv_imgproc.rectangle;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.IntPointer;
import org.bytedeco.javacpp.indexer.FloatIndexer;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Point;
import org.bytedeco.opencv.opencv_core.Rect;
import org.bytedeco.opencv.opencv_core.Scalar;
import org.bytedeco.opencv.opencv_core.Size;

/** The images {@link DataBenchmark} measures on: JPEGs that cost as much to decode as ImageNet's photos. */
public final class SyntheticJpegs {
    /** ImageNet's typical image: 500 x 375. */
    public static final int WIDTH = 500;
    public static final int HEIGHT = 375;
    private static final int JPEG_QUALITY = 93;
    private static final double NOISE_SIGMA = 52;

    private SyntheticJpegs() { }

    /**
     * Synthetic photos: smooth colour gradients, a few blurred shapes and sensor-like noise, which JPEG compresses to
     * about the size of an ImageNet photo (~110 KB at 500 x 375).
     */
    public static List<byte[]> of(int count, long seed) {
        return of(count, seed, WIDTH, HEIGHT);
    }

    /** As {@link #of(int, long)} at another size (ImageNet also has multi-megapixel photos). */
    public static List<byte[]> of(int count, long seed, int width, int height) {
        SplittableRandom rng = new SplittableRandom(seed);
        List<byte[]> jpegs = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            try (Mat image = syntheticPhoto(rng, width, height)) {
                jpegs.add(encodeJpeg(image));
            }
        }
        return jpegs;
    }

    private static Mat syntheticPhoto(SplittableRandom rng, int width, int height) {
        Mat image = new Mat(height, width, CV_32FC3);
        double[] from = {rng.nextDouble(255), rng.nextDouble(255), rng.nextDouble(255)};
        double[] to = {rng.nextDouble(255), rng.nextDouble(255), rng.nextDouble(255)};
        try (FloatIndexer pixels = image.createIndexer()) {
            for (int y = 0; y < height; y++) {
                for (int x = 0; x < width; x++) {
                    double t = (x + y) / (double) (width + height);
                    for (int c = 0; c < 3; c++) {
                        pixels.put(y, x, c, (float) (from[c] + t * (to[c] - from[c])));
                    }
                }
            }
        }
        for (int shape = 0; shape < 12; shape++) {
            try (Scalar colour = new Scalar(rng.nextDouble(255), rng.nextDouble(255), rng.nextDouble(255), 0);
                 Point centre = new Point(rng.nextInt(width), rng.nextInt(height))) {
                if (rng.nextBoolean()) {
                    circle(image, centre, 10 + rng.nextInt(90), colour, -1, LINE_AA, 0);
                } else {
                    try (Rect rect = new Rect(centre.x(), centre.y(), 10 + rng.nextInt(150), 10 + rng.nextInt(150))) {
                        rectangle(image, rect, colour, -1, LINE_AA, 0);
                    }
                }
            }
        }
        try (Size kernel = new Size(0, 0)) {
            GaussianBlur(image, image, kernel, 2.0);
        }
        // textured detail: blurred noise gives JPEG something real-looking to spend bits on
        try (Mat texture = new Mat(height, width, CV_32FC3); Size kernel = new Size(0, 0)) {
            try (FloatIndexer noise = texture.createIndexer()) {
                for (int y = 0; y < height; y++) {
                    for (int x = 0; x < width; x++) {
                        for (int c = 0; c < 3; c++) {
                            noise.put(y, x, c, (float) (NOISE_SIGMA * rng.nextGaussian()));
                        }
                    }
                }
            }
            GaussianBlur(texture, texture, kernel, 0.7);
            add(image, texture, image);
        }
        Mat bytes = new Mat();
        image.convertTo(bytes, CV_8UC3);
        image.close();
        return bytes;
    }

    private static byte[] encodeJpeg(Mat image) {
        try (BytePointer buffer = new BytePointer(); IntPointer params = new IntPointer(IMWRITE_JPEG_QUALITY, JPEG_QUALITY)) {
            if (!imencode(".jpg", image, buffer, params)) {
                throw new IllegalStateException("OpenCV could not encode a JPEG");
            }
            byte[] bytes = new byte[(int) buffer.limit()];
            buffer.get(bytes);
            return bytes;
        }
    }
}
