package io.attnspark.datasets.fashion;

import static org.bytedeco.opencv.global.opencv_core.CV_8UC1;
import static org.bytedeco.opencv.global.opencv_imgcodecs.imencode;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;

import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.opencv.opencv_core.Mat;

/**
 * Converts Debian's Fashion-MNIST idx files into the classic ImageNet folder layout:
 * {@code OUT/train/<class-id>/<name>.JPEG} (from the train idx), {@code OUT/val/<class-id>/<name>.JPEG} (from t10k)
 * and {@code OUT/synsets.txt}. Images are 28x28 8-bit grayscale JPEGs.
 */
public final class FashionMnistConverter {
    /** Overrides where the idx files are looked for (environment variable). */
    public static final String DIR_ENV = "ATTNSPARK_FASHION_MNIST_DIR";
    /** Overrides where the idx files are looked for (system property; wins over the environment variable). */
    public static final String DIR_PROPERTY = "attnspark.fashionMnist.dir";
    /** Where Debian's dataset-fashion-mnist package installs the files. */
    public static final Path DEBIAN_DIR = Path.of("/usr/share/datasets/fashion-mnist");

    /** Class ids in label order; the two-digit prefix makes them sort in label order. */
    public static final List<String> CLASS_IDS = List.of("00_tshirt_top", "01_trouser", "02_pullover", "03_dress",
            "04_coat", "05_sandal", "06_shirt", "07_sneaker", "08_bag", "09_ankle_boot");
    /** Human class names from the Fashion-MNIST paper, in label order. */
    public static final List<String> CLASS_NAMES = List.of("T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
            "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot");

    private static final int IMAGES_MAGIC = 0x00000803;
    private static final int LABELS_MAGIC = 0x00000801;
    private static final String[] FILES = {"train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz",
            "t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz"};

    /**
     * Per-class caps: the first N images of each class in file order. {@link #ALL} takes everything.
     */
    public record Limits(int trainPerClass, int valPerClass) {
        public static final Limits ALL = new Limits(Integer.MAX_VALUE, Integer.MAX_VALUE);

        public Limits {
            if (trainPerClass <= 0 || valPerClass <= 0) {
                throw new IllegalArgumentException("per-class limits must be > 0 (use Limits.ALL for no limit), got train="
                        + trainPerClass + " val=" + valPerClass);
            }
        }
    }

    /** What {@link #convert} wrote. */
    public record Summary(Path outputDir, int trainImages, int valImages, List<Integer> trainPerClass,
                          List<Integer> valPerClass) {
        public Summary {
            trainPerClass = List.copyOf(trainPerClass);
            valPerClass = List.copyOf(valPerClass);
        }
    }

    private final Path sourceDir;

    /** @param sourceDir a directory holding the four {@code *-ubyte.gz} files, see {@link #locate()} */
    public FashionMnistConverter(Path sourceDir) {
        this.sourceDir = sourceDir;
    }

    /**
     * Finds the idx files: the {@value #DIR_PROPERTY} system property, else the {@value #DIR_ENV} environment variable,
     * else {@link #DEBIAN_DIR}.
     *
     * @throws IllegalStateException if the chosen directory lacks the files, saying how to install them
     */
    public static Path locate() {
        String property = System.getProperty(DIR_PROPERTY);
        String env = System.getenv(DIR_ENV);
        Path dir;
        String origin;
        if (property != null && !property.isBlank()) {
            dir = Path.of(property);
            origin = "system property " + DIR_PROPERTY;
        } else if (env != null && !env.isBlank()) {
            dir = Path.of(env);
            origin = "environment variable " + DIR_ENV;
        } else {
            dir = DEBIAN_DIR;
            origin = "the Debian package's location";
        }
        for (String file : FILES) {
            if (!Files.isRegularFile(dir.resolve(file))) {
                throw new IllegalStateException("Fashion-MNIST not found: " + dir.resolve(file) + " (from " + origin
                        + ") does not exist. Install it with `sudo apt-get install dataset-fashion-mnist`, or point "
                        + DIR_PROPERTY + " / " + DIR_ENV + " at a directory holding " + String.join(", ", FILES));
            }
        }
        return dir;
    }

    /**
     * Writes the layout under {@code outputDir} (created if needed). Files of the same name are overwritten, and
     * images an earlier conversion wrote beyond the current limits are deleted, so the folder holds exactly this one.
     */
    public Summary convert(Path outputDir, Limits limits) throws IOException {
        Files.createDirectories(outputDir);
        int[] train = convertSplit("train", "train", outputDir, limits.trainPerClass());
        int[] val = convertSplit("t10k", "val", outputDir, limits.valPerClass());
        List<String> synsets = new ArrayList<>();
        for (int i = 0; i < CLASS_IDS.size(); i++) {
            synsets.add(CLASS_IDS.get(i) + " " + CLASS_NAMES.get(i));
        }
        Files.write(outputDir.resolve("synsets.txt"), synsets, StandardCharsets.UTF_8);
        return new Summary(outputDir, sum(train), sum(val), toList(train), toList(val));
    }

    private int[] convertSplit(String prefix, String split, Path outputDir, int perClass) throws IOException {
        Path labelsFile = sourceDir.resolve(prefix + "-labels-idx1-ubyte.gz");
        Path imagesFile = sourceDir.resolve(prefix + "-images-idx3-ubyte.gz");
        byte[] labels = readLabels(labelsFile);
        for (String classId : CLASS_IDS) {
            Files.createDirectories(outputDir.resolve(split).resolve(classId));
        }
        int[] written = new int[CLASS_IDS.size()];
        Set<Path> files = new HashSet<>();
        int target = (int) Math.min((long) perClass * CLASS_IDS.size(), labels.length);
        int total = 0;
        try (DataInputStream in = open(imagesFile)) {
            int count = header(in, imagesFile, IMAGES_MAGIC);
            int rows = in.readInt();
            int cols = in.readInt();
            if (count != labels.length) {
                throw corrupt(imagesFile, "has " + count + " images but " + labelsFile.getFileName() + " has "
                        + labels.length + " labels");
            }
            if (rows <= 0 || cols <= 0) {
                throw corrupt(imagesFile, "has an invalid image size " + rows + "x" + cols);
            }
            byte[] pixels = new byte[rows * cols];
            try (Mat image = new Mat(rows, cols, CV_8UC1)) {
                for (int index = 0; index < count && total < target; index++) {
                    in.readFully(pixels);
                    int label = labels[index];
                    if (written[label] >= perClass) {
                        continue;
                    }
                    image.data().put(pixels);
                    String name = split + "_" + String.format("%05d", index) + ".JPEG";
                    Path file = outputDir.resolve(split).resolve(CLASS_IDS.get(label)).resolve(name);
                    Files.write(file, encodeJpeg(image));
                    files.add(file);
                    written[label]++;
                    total++;
                }
            } catch (EOFException e) {
                throw corrupt(imagesFile, "is truncated (ends before all " + count + " images)");
            } catch (ZipException e) {
                throw corrupt(imagesFile, "has damaged gzip data (" + e.getMessage() + ")");
            }
        }
        deleteOlderImages(outputDir.resolve(split), split, files);
        return written;
    }

    /** Images of an earlier conversion with other limits; only this converter's own file names are touched. */
    private static void deleteOlderImages(Path splitDir, String split, Set<Path> current) throws IOException {
        String ownName = split + "_\\d{5}\\.JPEG";
        for (String classId : CLASS_IDS) {
            try (var entries = Files.list(splitDir.resolve(classId))) {
                for (Path file : entries.toList()) {
                    if (file.getFileName().toString().matches(ownName) && !current.contains(file)) {
                        Files.delete(file);
                    }
                }
            }
        }
    }

    private static byte[] readLabels(Path file) throws IOException {
        try (DataInputStream in = open(file)) {
            int count = header(in, file, LABELS_MAGIC);
            byte[] labels = new byte[count];
            try {
                in.readFully(labels);
            } catch (EOFException e) {
                throw corrupt(file, "is truncated (ends before all " + count + " labels)");
            } catch (ZipException e) {
                throw corrupt(file, "has damaged gzip data (" + e.getMessage() + ")");
            }
            for (int i = 0; i < count; i++) {
                if (labels[i] < 0 || labels[i] >= CLASS_IDS.size()) {
                    throw corrupt(file, "has label " + labels[i] + " at index " + i + "; Fashion-MNIST labels are 0-9");
                }
            }
            return labels;
        }
    }

    private static DataInputStream open(Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new FileNotFoundException("Fashion-MNIST file " + file + " is missing; install it with "
                    + "`sudo apt-get install dataset-fashion-mnist` or point " + DIR_PROPERTY + " at a complete copy");
        }
        InputStream raw = Files.newInputStream(file);
        try {
            return new DataInputStream(new BufferedInputStream(new GZIPInputStream(raw, 1 << 16), 1 << 16));
        } catch (ZipException | EOFException e) {
            raw.close();
            throw corrupt(file, "is not a gzip file (" + e.getMessage() + ")");
        }
    }

    private static int header(DataInputStream in, Path file, int expectedMagic) throws IOException {
        try {
            int magic = in.readInt();
            if (magic != expectedMagic) {
                throw corrupt(file, String.format("has magic number 0x%08X, expected 0x%08X", magic, expectedMagic));
            }
            int count = in.readInt();
            if (count < 0) {
                throw corrupt(file, "has a negative item count " + count);
            }
            return count;
        } catch (EOFException e) {
            throw corrupt(file, "is truncated (no complete idx header)");
        }
    }

    private static byte[] encodeJpeg(Mat image) throws IOException {
        try (BytePointer buffer = new BytePointer()) {
            if (!imencode(".jpg", image, buffer)) {
                throw new IOException("OpenCV failed to encode a JPEG");
            }
            byte[] bytes = new byte[(int) buffer.limit()];
            buffer.get(bytes);
            return bytes;
        }
    }

    private static IOException corrupt(Path file, String what) {
        return new IOException("corrupt Fashion-MNIST file " + file + ": it " + what
                + "; reinstall with `sudo apt-get install --reinstall dataset-fashion-mnist`");
    }

    private static int sum(int[] counts) {
        int total = 0;
        for (int c : counts) {
            total += c;
        }
        return total;
    }

    private static List<Integer> toList(int[] counts) {
        List<Integer> list = new ArrayList<>();
        for (int c : counts) {
            list.add(c);
        }
        return list;
    }
}
