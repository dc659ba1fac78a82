package io.attnspark.datasets.image;

import static org.bytedeco.opencv.global.opencv_imgcodecs.IMWRITE_JPEG_QUALITY;
import static org.bytedeco.opencv.global.opencv_imgcodecs.imencode;
import static org.bytedeco.opencv.global.opencv_imgproc.INTER_AREA;
import static org.bytedeco.opencv.global.opencv_imgproc.resize;

import java.io.Serializable;

import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.IntPointer;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Size;

/**
 * A pack-time downscale, as FFCV stores ImageNet at a bounded side: an image whose longer side is over
 * {@code maxSide} is shrunk (area interpolation, aspect kept) until its longer side is {@code maxSide} and re-encoded
 * as a JPEG of quality {@code jpegQuality}; any other image keeps its bytes. It never upscales. Decoding such an image
 * at train time then costs in proportion to its smaller area.
 *
 * @param maxSide     the longest side kept, in pixels
 * @param jpegQuality the re-encoded JPEGs' quality, 1-100
 */
public record ImageDownscale(int maxSide, int jpegQuality) implements Serializable {

    /** FFCV's default {@code jpeg_quality}. */
    public static final int JPEG_QUALITY = 90;

    /** @throws IllegalArgumentException for a side below 1 or a quality outside 1-100 */
    public ImageDownscale {
        if (maxSide < 1) {
            throw new IllegalArgumentException("--max-side must be a positive number of pixels (e.g. 256 or 512), got "
                    + maxSide);
        }
        if (jpegQuality < 1 || jpegQuality > 100) {
            throw new IllegalArgumentException("the JPEG quality must be 1-100, got " + jpegQuality);
        }
    }

    /** Downscales to {@code maxSide} with {@link #JPEG_QUALITY}. */
    public static ImageDownscale toMaxSide(int maxSide) {
        return new ImageDownscale(maxSide, JPEG_QUALITY);
    }

    /**
     * @param bytes the encoded image
     * @param name  its name or URI, for error messages
     * @return {@code bytes} itself when the longer side is at most {@link #maxSide}, else the re-encoded JPEG
     * @throws ImageDecodeException when the image cannot be decoded
     */
    public byte[] apply(byte[] bytes, String name) throws ImageDecodeException {
        int[] header = ImageDecoder.jpegSize(bytes);
        if (header != null && Math.max(header[0], header[1]) <= maxSide) {
            return bytes;
        }
        // libjpeg scales inside the inverse DCT: decode at the smallest 1/f that still keeps maxSide pixels
        int factor = header == null ? 1 : reduction(Math.max(header[0], header[1]));
        try (Mat decoded = ImageDecoder.decodeBgr(bytes, name, factor)) {
            int width = header == null ? decoded.cols() : header[0];
            int height = header == null ? decoded.rows() : header[1];
            if (Math.max(width, height) <= maxSide) {
                return bytes;
            }
            double scale = (double) maxSide / Math.max(width, height);
            Size target = new Size(Math.max(1, (int) Math.round(width * scale)), Math.max(1, (int) Math.round(height * scale)));
            try (target; Mat resized = new Mat(); BytePointer encoded = new BytePointer();
                 IntPointer quality = new IntPointer(IMWRITE_JPEG_QUALITY, jpegQuality)) {
                resize(decoded, resized, target, 0, 0, INTER_AREA);
                if (!imencode(".jpg", resized, encoded, quality)) {
                    throw new IllegalStateException("OpenCV could not encode " + name + " as JPEG");
                }
                byte[] jpeg = new byte[(int) encoded.limit()];
                encoded.get(jpeg);
                return jpeg;
            }
        }
    }

    /** The largest libjpeg reduction 1, 2, 4 or 8 whose decoded longer side {@code ceil(side / f)} is still at least maxSide. */
    int reduction(int longerSide) {
        int factor = 1;
        while (factor < 8 && (longerSide + 2 * factor - 1) / (2 * factor) >= maxSide) {
            factor *= 2;
        }
        return factor;
    }
}
