package io.attnspark.datasets.image;

import static org.bytedeco.opencv.global.opencv_core.CV_8UC1;
import static org.bytedeco.opencv.global.opencv_imgcodecs.IMREAD_COLOR;
import static org.bytedeco.opencv.global.opencv_imgcodecs.IMREAD_IGNORE_ORIENTATION;
import static org.bytedeco.opencv.global.opencv_imgcodecs.IMREAD_REDUCED_COLOR_2;
import static org.bytedeco.opencv.global.opencv_imgcodecs.IMREAD_REDUCED_COLOR_4;
import static org.bytedeco.opencv.global.opencv_imgcodecs.IMREAD_REDUCED_COLOR_8;
import static org.bytedeco.opencv.global.opencv_imgcodecs.imdecode;
import static org.bytedeco.opencv.global.opencv_imgproc.COLOR_BGR2RGB;
import static org.bytedeco.opencv.global.opencv_imgproc.cvtColor;

import java.util.Optional;

import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.opencv.opencv_core.Mat;

import io.attnspark.datasets.skip.SkipReason;

/**
 * Decodes encoded image bytes (JPEG, PNG, ... whatever the name says) into an 8-bit, 3-channel RGB {@link Mat}.
 * Grayscale, 4-channel and CMYK files all come out as RGB, as ImageNet's quirks require.
 */
public final class ImageDecoder {
    private ImageDecoder() {
    }

    /**
     * @param bytes the encoded file
     * @param name the file's name or URI, used only in error messages
     * @return a new RGB Mat (CV_8UC3) that the caller must close
     */
    public static Mat decodeRgb(byte[] bytes, String name) throws ImageDecodeException {
        return decode(bytes, name, 1, true);
    }

    /**
     * The checks of {@link #decodeRgb}, but faster: libjpeg decodes at 1/8 scale (it still reads every
     * entropy-coded byte, so corruption is found), which the packer uses to check every file.
     */
    public static void check(byte[] bytes, String name) throws ImageDecodeException {
        decode(bytes, name, 8, false).close();
    }

    /**
     * Decodes at 1/{@code factor} scale, {@code ceil(width / factor) x ceil(height / factor)}: libjpeg scales inside
     * the inverse DCT, so a JPEG decodes several times faster than in full (PIL's draft mode, DALI's ROI decode).
     *
     * @param factor 1, 2, 4 or 8
     */
    public static Mat decodeRgbReduced(byte[] bytes, String name, int factor) throws ImageDecodeException {
        return decode(bytes, name, factor, true);
    }

    /** {@link #decodeRgbReduced} in OpenCV's own BGR order, as its encoders take it. */
    static Mat decodeBgr(byte[] bytes, String name, int factor) throws ImageDecodeException {
        return decode(bytes, name, factor, false);
    }

    /** Which library decodes JPEGs in this JVM, for start-up lines and benchmarks. */
    public static String jpegDecoder() {
        return TurboJpeg.instance().isPresent() ? "TurboJPEG (libjpeg-turbo with SIMD)"
                : "OpenCV (its libjpeg-turbo has no SIMD; Debian's libturbojpeg-java and libturbojpeg0-dev decode 2-3x faster)";
    }

    /**
     * A JPEG's {width, height} from its start-of-frame header without decoding it, or null when the bytes are not a
     * JPEG whose header this walk can follow.
     */
    public static int[] jpegSize(byte[] b) {
        if (b == null || !isJpeg(b)) {
            return null;
        }
        int at = 2;
        while (at + 8 < b.length) {
            if ((b[at] & 0xFF) != 0xFF) {
                return null;
            }
            int marker = b[at + 1] & 0xFF;
            if (marker == 0xFF) {
                at++;
            } else if (marker == 0x01 || (marker >= 0xD0 && marker <= 0xD7)) {
                at += 2;
            } else if (marker == 0xDA || marker == 0xD9) {
                return null;
            } else if (marker >= 0xC0 && marker <= 0xCF && marker != 0xC4 && marker != 0xC8 && marker != 0xCC) {
                int height = ((b[at + 5] & 0xFF) << 8) | (b[at + 6] & 0xFF);
                int width = ((b[at + 7] & 0xFF) << 8) | (b[at + 8] & 0xFF);
                return width > 0 && height > 0 ? new int[] {width, height} : null;
            } else {
                at += 2 + (((b[at + 2] & 0xFF) << 8) | (b[at + 3] & 0xFF));
            }
        }
        return null;
    }

    private static Mat decode(byte[] bytes, String name, int factor, boolean rgb) throws ImageDecodeException {
        int mode = switch (factor) {
            case 1 -> IMREAD_COLOR;
            case 2 -> IMREAD_REDUCED_COLOR_2;
            case 4 -> IMREAD_REDUCED_COLOR_4;
            case 8 -> IMREAD_REDUCED_COLOR_8;
            default -> throw new IllegalArgumentException("reduction factor must be 1, 2, 4 or 8, got " + factor);
        };
        if (bytes == null || bytes.length == 0) {
            throw new ImageDecodeException(name, SkipReason.EMPTY_FILE, "the file is empty (0 bytes)");
        }
        if (isJpeg(bytes)) {
            // OpenCV decodes many truncated JPEGs (libjpeg pads the missing rows grey and only warns); PIL, and so
            // torchvision, refuses them. Refuse too.
            if (!hasEndOfImageAfterScan(bytes)) {
                throw new ImageDecodeException(name, SkipReason.TRUNCATED, "truncated JPEG (no end-of-image marker)");
            }
            Optional<Mat> fast = TurboJpeg.instance().flatMap(turbo -> turbo.decode(bytes, factor, rgb));
            if (fast.isPresent()) {
                return fast.get();
            }
        }
        Mat decoded = decodeWithOpenCv(bytes, name, mode);
        if (rgb) {
            cvtColor(decoded, decoded, COLOR_BGR2RGB);
        }
        return decoded;
    }

    /** OpenCV's decoder, in BGR order: every format, and the judge of every JPEG that TurboJPEG refuses. */
    static Mat decodeWithOpenCv(byte[] bytes, String name, int mode) throws ImageDecodeException {
        Mat decoded;
        try (BytePointer data = new BytePointer(bytes); Mat encoded = new Mat(1, bytes.length, CV_8UC1, data)) {
            // PIL ignores EXIF orientation, so torchvision pipelines do too
            decoded = imdecode(encoded, mode | IMREAD_IGNORE_ORIENTATION);
        }
        if (decoded == null || decoded.empty()) {
            if (decoded != null) {
                decoded.close();
            }
            throw new ImageDecodeException(name, SkipReason.NOT_AN_IMAGE,
                    "OpenCV cannot read it (not an image format it knows, or corrupt)");
        }
        return decoded;
    }

    private static boolean isJpeg(byte[] b) {
        return b.length >= 3 && (b[0] & 0xFF) == 0xFF && (b[1] & 0xFF) == 0xD8 && (b[2] & 0xFF) == 0xFF;
    }

    /**
     * Walks the marker segments to the first start-of-scan, then looks for an end-of-image marker after it. An EXIF
     * thumbnail's end marker sits before the scan and does not count; trailing bytes after the real one are allowed.
     * Headers this walk cannot follow are left to OpenCV to judge.
     */
    private static boolean hasEndOfImageAfterScan(byte[] b) {
        int at = 2;
        int scanStart = -1;
        while (at + 3 < b.length) {
            if ((b[at] & 0xFF) != 0xFF) {
                return true;
            }
            int marker = b[at + 1] & 0xFF;
            if (marker == 0xFF) {
                at++;
            } else if (marker == 0xDA) {
                scanStart = at;
                break;
            } else if (marker == 0x01 || (marker >= 0xD0 && marker <= 0xD7)) {
                at += 2;
            } else {
                at += 2 + (((b[at + 2] & 0xFF) << 8) | (b[at + 3] & 0xFF));
            }
        }
        if (scanStart < 0) {
            return true;
        }
        // from the end: the marker is normally in the last two bytes, so this does not read the whole scan
        for (int i = b.length - 2; i > scanStart + 1; i--) {
            if ((b[i] & 0xFF) == 0xFF && (b[i + 1] & 0xFF) == 0xD9) {
                return true;
            }
        }
        return false;
    }
}
