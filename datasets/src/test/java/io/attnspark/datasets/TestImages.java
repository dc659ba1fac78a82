package io.attnspark.datasets;

import static org.bytedeco.opencv.global.opencv_core.CV_8UC3;
import static org.bytedeco.opencv.global.opencv_imgcodecs.imencode;

import java.io.IOException;
import java.nio.file.Path;

import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.indexer.UByteIndexer;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Scalar;

import io.attnspark.datasets.fashion.FashionMnistConverter;

/** Small image fixtures built at test time. */
public final class TestImages {
    private TestImages() {
    }

    /** Fashion-MNIST converted with tiny per-class limits. */
    public static FashionMnistConverter.Summary fashion(Path out, int trainPerClass, int valPerClass) throws IOException {
        return new FashionMnistConverter(FashionMnistConverter.locate())
                .convert(out, new FashionMnistConverter.Limits(trainPerClass, valPerClass));
    }

    /** A BGR image (OpenCV order) of one color; the caller closes it. */
    public static Mat solidBgr(int width, int height, int blue, int green, int red) {
        return new Mat(height, width, CV_8UC3, new Scalar(blue, green, red, 0));
    }

    /** Left half pure red, right half pure blue (BGR Mat). */
    public static Mat redLeftBlueRight(int width, int height) {
        Mat mat = new Mat(height, width, CV_8UC3, new Scalar(0, 0, 0, 0));
        try (UByteIndexer idx = mat.createIndexer()) {
            for (int y = 0; y < height; y++) {
                for (int x = 0; x < width; x++) {
                    boolean left = x < width / 2;
                    idx.put(y, x, 0, left ? 0 : 255);
                    idx.put(y, x, 1, 0);
                    idx.put(y, x, 2, left ? 255 : 0);
                }
            }
        }
        return mat;
    }

    /** Encodes with OpenCV; ext like ".jpg" or ".png". */
    public static byte[] encode(Mat mat, String ext) {
        try (BytePointer buffer = new BytePointer()) {
            if (!imencode(ext, mat, buffer)) {
                throw new IllegalStateException("OpenCV could not encode " + ext);
            }
            byte[] bytes = new byte[(int) buffer.limit()];
            buffer.get(bytes);
            return bytes;
        }
    }
}
