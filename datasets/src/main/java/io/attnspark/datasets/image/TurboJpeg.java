package io.attnspark.datasets.image;

import static org.bytedeco.opencv.global.opencv_core.CV_8UC3;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

import org.bytedeco.opencv.opencv_core.Mat;

/**
 * libjpeg-turbo's own TurboJPEG Java API (Debian's {@code libturbojpeg-java}, with {@code libturbojpeg0-dev} for the
 * library name it loads), used where a machine has it. The libjpeg-turbo 2.1.2 inside the OpenCV 4.5.5 that JavaCPP
 * 1.5.7 ships was built without its SIMD code and decodes 2.7x slower than Pillow; this one has it. Both run the same
 * algorithms (accurate integer IDCT, fancy upsampling), so they give the same pixels: {@code TurboJpegTest} checks that
 * on every file it decodes. It is not a Maven artifact, so it is loaded from its jar at run time, and OpenCV decodes
 * wherever the jar or its native library is missing.
 */
final class TurboJpeg {

    /** System property that points at another {@code turbojpeg.jar}. */
    static final String JAR_PROPERTY = "attnspark.turbojpeg.jar";
    private static final String DEBIAN_JAR = "/usr/share/java/turbojpeg.jar";

    private static final int PF_RGB = 0;
    private static final int PF_BGR = 1;
    // a warning (corrupt data that libjpeg decodes anyway) ends the decode, so OpenCV judges such files as it always did
    private static final int FLAG_STOPONWARNING = 8192;

    private static final Optional<TurboJpeg> INSTANCE = load();
    private static final ReusableBytes PIXELS = new ReusableBytes();

    private final MethodHandle open;
    private final MethodHandle width;
    private final MethodHandle height;
    private final MethodHandle decompress;
    private final MethodHandle close;

    private TurboJpeg(Class<?> decompressor) throws ReflectiveOperationException {
        var lookup = MethodHandles.publicLookup();
        open = lookup.findConstructor(decompressor, MethodType.methodType(void.class, byte[].class))
                .asType(MethodType.methodType(AutoCloseable.class, byte[].class));
        width = lookup.findVirtual(decompressor, "getWidth", MethodType.methodType(int.class))
                .asType(MethodType.methodType(int.class, AutoCloseable.class));
        height = lookup.findVirtual(decompressor, "getHeight", MethodType.methodType(int.class))
                .asType(MethodType.methodType(int.class, AutoCloseable.class));
        decompress = lookup.findVirtual(decompressor, "decompress", MethodType.methodType(void.class, byte[].class,
                        int.class, int.class, int.class, int.class, int.class, int.class, int.class))
                .asType(MethodType.methodType(void.class, AutoCloseable.class, byte[].class, int.class, int.class,
                        int.class, int.class, int.class, int.class, int.class));
        close = lookup.findVirtual(decompressor, "close", MethodType.methodType(void.class))
                .asType(MethodType.methodType(void.class, AutoCloseable.class));
    }

    /** The decoder, or empty where the jar or its native library is missing. */
    static Optional<TurboJpeg> instance() {
        return INSTANCE;
    }

    /**
     * Decodes a JPEG at 1/{@code factor} scale into a new 8-bit, 3-channel Mat, in RGB or OpenCV's BGR order; empty
     * when TurboJPEG refuses the file (corrupt, CMYK, a warning), which the caller then gives to OpenCV.
     */
    Optional<Mat> decode(byte[] jpeg, int factor, boolean rgb) {
        try {
            AutoCloseable decompressor = (AutoCloseable) open.invokeExact(jpeg);
            try {
                // libjpeg scales in the IDCT to ceil(side / factor), as OpenCV's IMREAD_REDUCED modes do
                int w = ceilDiv((int) width.invokeExact(decompressor), factor);
                int h = ceilDiv((int) height.invokeExact(decompressor), factor);
                byte[] pixels = PIXELS.atLeast(w * h * 3);
                decompress.invokeExact(decompressor, pixels, 0, 0, w, w * 3, h, rgb ? PF_RGB : PF_BGR, FLAG_STOPONWARNING);
                Mat mat = new Mat(h, w, CV_8UC3);
                mat.data().put(pixels, 0, w * h * 3);
                return Optional.of(mat);
            } finally {
                close.invokeExact(decompressor);
            }
        } catch (Throwable refused) {
            if (refused instanceof Error error && !(refused instanceof LinkageError)) {
                throw error;
            }
            return Optional.empty();
        }
    }

    private static int ceilDiv(int side, int factor) {
        return (side + factor - 1) / factor;
    }

    private static Optional<TurboJpeg> load() {
        Path jar = Path.of(System.getProperty(JAR_PROPERTY, DEBIAN_JAR));
        if (!Files.isReadable(jar)) {
            return Optional.empty();
        }
        try {
            // initializing the class loads its native library: a machine with the jar but without it fails here
            var loader = new URLClassLoader(new URL[] {jar.toUri().toURL()}, TurboJpeg.class.getClassLoader());
            Class<?> decompressor = Class.forName("org.libjpegturbo.turbojpeg.TJDecompressor", true, loader);
            // and the library must answer: an empty decompressor is made in native code and closed
            ((AutoCloseable) decompressor.getConstructor().newInstance()).close();
            return Optional.of(new TurboJpeg(decompressor));
        } catch (Exception | LinkageError e) {
            return Optional.empty();
        }
    }
}
