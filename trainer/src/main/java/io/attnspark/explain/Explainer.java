package io.attnspark.explain;

import io.attnspark.datasets.image.EvalTransform;
import io.attnspark.datasets.image.ImageDecodeException;
import io.attnspark.datasets.image.ImageDecoder;
import io.attnspark.datasets.skip.SkipReason;
import io.attnspark.datasets.skip.SkipTally;
import io.attnspark.model.ModelSpec;
import io.attnspark.model.attention.AttentionMap;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.bytedeco.opencv.opencv_core.Mat;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Runs a trained network over a folder of images and writes, per image, what its attention modules did: a bar chart
 * of every channel gate ({@code channels.png}) and a heat map over the image for every spatial map
 * ({@code spatial-<module>.png}), in {@code OUT/<image name>/}; prints the top-5 classes. The images go through the
 * evaluation transform the network was validated with. Files that cannot be read or decoded are skipped and counted.
 */
public final class Explainer {

    static final String CHANNEL_CHART = "channels.png";
    private static final int TOP = 5;

    static final String VALUES = "values.csv";

    /**
     * How spatial maps are drawn.
     *
     * @param interpolation nearest shows the map's real cells; bilinear smooths them
     * @param sharedScale   one colour range for every spatial map of an image, so blocks compare; else each its own
     */
    public record Display(Interpolation interpolation, boolean sharedScale) {
        public static final Display DEFAULT = new Display(Interpolation.NEAREST, false);
    }

    /** How a spatial map is enlarged to the image. */
    public enum Interpolation { NEAREST, BILINEAR }

    private final ExplainableModel model;
    private final PrintStream out;
    private final EvalTransform transform;
    private final Display display;

    public Explainer(ExplainableModel model, PrintStream out, Display display) {
        this.model = model;
        this.out = out;
        this.display = display;
        this.transform = model.augment().eval(model.spec().imageSize());
    }

    /**
     * @param images    a folder of images (any format OpenCV decodes), searched recursively; hidden files are ignored
     * @param outDir    created if needed
     * @param maxImages at most this many images are explained (files skipped do not count)
     * @throws IllegalArgumentException when {@code images} is not a folder with files in it, or maxImages < 1
     */
    public ExplainReport explain(Path images, Path outDir, int maxImages) throws IOException {
        if (maxImages < 1) {
            throw new IllegalArgumentException("--max must be at least 1, got " + maxImages);
        }
        List<Path> files = imageFiles(images);
        Files.createDirectories(outDir);
        out.printf("explaining %s + %s (%d px, %d attention maps in %d modules) on %s in %s%n",
                model.spec().backbone(), model.spec().attention(), model.spec().imageSize(), model.maps().size(),
                model.maps().stream().map(AttentionMap::module).distinct().count(),
                files.size() <= maxImages ? files.size() + " files" : "the first " + maxImages + " of " + files.size() + " files",
                images);
        Map<Path, String> folders = outputFolders(images, files);
        List<ImageExplanation> explained = new ArrayList<>();
        SkipTally skipped = SkipTally.NONE;
        for (Path file : files) {
            if (explained.size() == maxImages) {
                break;
            }
            String name = images.relativize(file).toString();
            try {
                explained.add(explainOne(file, name, outDir.resolve(folders.get(file))));
            } catch (ImageDecodeException e) {
                skipped = skipped.plus(SkipTally.of(e.reason(), name, e.detail()));
                out.println("  skipped " + name + ": " + e.detail());
            } catch (IOException e) {
                skipped = skipped.plus(SkipTally.of(SkipReason.NOT_AN_IMAGE, name, "cannot read it: " + e.getMessage()));
                out.println("  skipped " + name + ": cannot read it: " + e.getMessage());
            }
        }
        var report = new ExplainReport(explained, skipped);
        out.printf("%d images explained into %s; %s%n", explained.size(), outDir, skipped.summary());
        return report;
    }

    private ImageExplanation explainOne(Path file, String name, Path folder) throws IOException {
        byte[] bytes = Files.readAllBytes(file);
        try (Mat rgb = ImageDecoder.decodeRgb(bytes, name)) {
            Map<String, INDArray> activations = feedForward(rgb, name);
            List<Prediction> top = topClasses(activations.get(ModelSpec.OUTPUT));
            Files.createDirectories(folder);
            List<Path> written = new ArrayList<>();
            List<ChannelCharts.Gates> gates = new ArrayList<>();
            var region = transform.sourceRegion(rgb.cols(), rgb.rows());
            var values = new StringBuilder("module,map,index,value\n");
            Map<AttentionMap, INDArray> spatial = new LinkedHashMap<>();
            for (AttentionMap map : model.maps()) {
                INDArray weights = map.weights(activations.get(map.vertex()));
                if (map.kind() == AttentionMap.Kind.CHANNEL) {
                    gates.add(new ChannelCharts.Gates(map.module(), weights.getRow(0)));
                    for (int c = 0; c < weights.size(1); c++) {
                        values.append(map.module()).append(",channel gate,").append(c).append(',')
                                .append(weights.getDouble(0, c)).append('\n');
                    }
                } else {
                    spatial.put(map, weights.slice(0));
                }
            }
            SpatialOverlay.Range shared = spatial.values().stream().map(SpatialOverlay.Range::of)
                    .reduce(SpatialOverlay.Range::union).orElse(null);
            for (var entry : spatial.entrySet()) {
                AttentionMap map = entry.getKey();
                INDArray grid = entry.getValue();
                var range = display.sharedScale() ? shared : SpatialOverlay.Range.of(grid);
                String caption = String.format(Locale.ROOT, "%s %s, %dx%d map, %s%s", map.module(),
                        describe(map.reading()), grid.size(0), grid.size(1),
                        display.interpolation().name().toLowerCase(Locale.ROOT), display.sharedScale() ? ", shared scale" : "");
                written.add(write(SpatialOverlay.render(rgb, region, grid, caption, range, display.interpolation()),
                        folder.resolve("spatial-" + map.module() + ".png")));
                for (int y = 0; y < grid.size(0); y++) {
                    for (int x = 0; x < grid.size(1); x++) {
                        values.append(map.module()).append(',').append(describe(map.reading())).append(',').append(y)
                                .append(' ').append(x).append(',').append(grid.getDouble(y, x)).append('\n');
                    }
                }
            }
            Files.writeString(folder.resolve(VALUES), values);
            if (!gates.isEmpty()) {
                String header = name + "  (" + model.spec().attention() + ")  " + trueLabel(file).map(t -> "true: " + t + "  ")
                        .orElse("") + "predicted: " + top.get(0).describe();
                var input = SpatialOverlay.networkView(rgb, region, model.spec().imageSize());
                written.add(0, write(ChannelCharts.render(header, input, gates), folder.resolve(CHANNEL_CHART)));
            }
            out.println("  " + name + trueLabel(file).map(t -> " (true: " + t + ")").orElse("") + ": " + top.stream().map(Prediction::describe).collect(Collectors.joining(", "))
                    + "  -> " + folder + " (" + written.size() + " PNGs)");
            return new ImageExplanation(file, top, written);
        }
    }

    /** The network's activations for one image file, through the evaluation transform. */
    Map<String, INDArray> activations(Path file, String name) throws IOException {
        try (Mat rgb = ImageDecoder.decodeRgb(Files.readAllBytes(file), name)) {
            return feedForward(rgb, name);
        }
    }

    private Map<String, INDArray> feedForward(Mat rgb, String name) throws ImageDecodeException {
        int size = transform.size();
        INDArray input = Nd4j.create(transformed(rgb, name), new long[] {1, 3, size, size}, DataType.FLOAT);
        return model.network().feedForward(input, false);
    }

    /**
     * The SE paper's figure: the mean channel-gate profile of each class over at most {@code perClass} images of
     * {@code classFolders/<class-id>/}, one chart per module and a CSV of the means.
     */
    public List<Path> explainPerClass(Path classFolders, Path outDir, int perClass) throws IOException {
        return new ClassGateProfiles(this, model, out).write(classFolders, outDir, perClass);
    }

    /** A decoded image the transform cannot take (e.g. a 1-pixel-wide one) is skipped like a bad file. */
    private float[] transformed(Mat rgb, String name) throws ImageDecodeException {
        float[] chw = new float[transform.outputLength()];
        try {
            transform.apply(rgb, null, chw, 0);
        } catch (RuntimeException e) {
            throw new ImageDecodeException(name, SkipReason.TRANSFORM_FAILED, e.getClass().getSimpleName() + ": " + e.getMessage());
        }
        return chw;
    }

    /** The class of an image kept in a folder named by its class id (as in val/&lt;class-id&gt;/), if it is one. */
    private Optional<String> trueLabel(Path file) {
        Path parent = file.getParent();
        String folder = parent == null ? "" : parent.getFileName().toString();
        return model.labels().stream().filter(label -> label.equals(folder) || label.startsWith(folder + " ")).findFirst();
    }

    private static String describe(AttentionMap.Reading reading) {
        return switch (reading) {
            case GATE -> "spatial gate";
            case CHANNEL_MEAN -> "gate, mean over channels";
            case SIGMOID_CHANNEL_MEAN -> "sigmoid gate, mean over channels";
            case SOFTMAX_OVER_POSITIONS -> "attention-pooling softmax";
        };
    }

    private List<Prediction> topClasses(INDArray probabilities) {
        INDArray row = probabilities.getRow(0);
        List<Prediction> all = new ArrayList<>();
        for (int k = 0; k < row.length(); k++) {
            String label = k < model.labels().size() ? model.labels().get(k) : "class " + k;
            all.add(new Prediction(k, label, row.getDouble(k)));
        }
        all.sort(Comparator.comparingDouble(Prediction::probability).reversed());
        return List.copyOf(all.subList(0, Math.min(TOP, all.size())));
    }

    private static Path write(BufferedImage image, Path file) throws IOException {
        if (!ImageIO.write(image, "png", file.toFile())) {
            throw new IllegalStateException("no PNG writer in this JVM");
        }
        return file;
    }

    /**
     * One flat folder per image, named without the extension so it does not look like an image: {@code cats/tabby.jpg}
     * -> {@code cats_tabby}; two files that differ only by their extension keep it, as {@code cats_tabby-jpg}.
     */
    static Map<Path, String> outputFolders(Path images, List<Path> files) {
        Map<Path, String> flat = new LinkedHashMap<>();
        Map<String, Long> stems = new HashMap<>();
        for (Path file : files) {
            String name = images.relativize(file).toString().replace('/', '_').replace('\\', '_');
            flat.put(file, name);
            stems.merge(stem(name), 1L, Long::sum);
        }
        flat.replaceAll((file, name) -> stems.get(stem(name)) == 1 ? stem(name) : name.replace('.', '-'));
        return flat;
    }

    private static String stem(String name) {
        int dot = name.lastIndexOf('.');
        return dot > 0 ? name.substring(0, dot) : name;
    }

    private static List<Path> imageFiles(Path images) throws IOException {
        if (!Files.isDirectory(images)) {
            throw new IllegalArgumentException("--images " + images + " is not a folder; pass a folder of images");
        }
        try (Stream<Path> walk = Files.walk(images)) {
            List<Path> files = walk.filter(Files::isRegularFile).filter(p -> !hidden(images.relativize(p))).sorted().toList();
            if (files.isEmpty()) {
                throw new IllegalArgumentException("--images " + images + " holds no files");
            }
            return files;
        }
    }

    private static boolean hidden(Path relative) {
        for (Path part : relative) {
            if (part.toString().startsWith(".")) {
                return true;
            }
        }
        return false;
    }
}
