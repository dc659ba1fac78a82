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
import java.util.List;
import java.util.Locale;
import java.util.Map;
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

    private final ExplainableModel model;
    private final PrintStream out;
    private final EvalTransform transform;

    public Explainer(ExplainableModel model, PrintStream out) {
        this.model = model;
        this.out = out;
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
        out.printf("explaining %s + %s (%d px, %d attention maps in %d modules) on up to %d of %d files in %s%n",
                model.spec().backbone(), model.spec().attention(), model.spec().imageSize(), model.maps().size(),
                model.maps().stream().map(AttentionMap::module).distinct().count(), maxImages, files.size(), images);
        List<ImageExplanation> explained = new ArrayList<>();
        SkipTally skipped = SkipTally.NONE;
        for (Path file : files) {
            if (explained.size() == maxImages) {
                break;
            }
            String name = images.relativize(file).toString();
            try {
                explained.add(explainOne(file, name, outDir.resolve(outputFolder(name))));
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
            float[] chw = transformed(rgb, name);
            int size = transform.size();
            INDArray input = Nd4j.create(chw, new long[] {1, 3, size, size}, DataType.FLOAT);
            Map<String, INDArray> activations = model.network().feedForward(input, false);
            List<Prediction> top = topClasses(activations.get(ModelSpec.OUTPUT));
            Files.createDirectories(folder);
            List<Path> written = new ArrayList<>();
            List<ChannelCharts.Gates> gates = new ArrayList<>();
            var region = transform.sourceRegion(rgb.cols(), rgb.rows());
            for (AttentionMap map : model.maps()) {
                INDArray weights = map.weights(activations.get(map.vertex()));
                if (map.kind() == AttentionMap.Kind.CHANNEL) {
                    gates.add(new ChannelCharts.Gates(map.module(), weights.getRow(0)));
                } else {
                    INDArray grid = weights.slice(0);
                    String caption = String.format(Locale.ROOT, "%s %s  %dx%d  blue %.3g .. red %.3g", map.module(),
                            describe(map.reading()), grid.size(0), grid.size(1), grid.minNumber().doubleValue(),
                            grid.maxNumber().doubleValue());
                    written.add(write(SpatialOverlay.render(rgb, region, grid, caption),
                            folder.resolve("spatial-" + map.module() + ".png")));
                }
            }
            if (!gates.isEmpty()) {
                String header = name + "  (" + model.spec().attention() + ")  top-1: " + top.get(0).describe();
                written.add(0, write(ChannelCharts.render(header, gates), folder.resolve(CHANNEL_CHART)));
            }
            out.println("  " + name + ": " + top.stream().map(Prediction::describe).collect(Collectors.joining(", "))
                    + "  -> " + folder + " (" + written.size() + " PNGs)");
            return new ImageExplanation(file, top, written);
        }
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

    private static String describe(AttentionMap.Reading reading) {
        return switch (reading) {
            case GATE -> "spatial gate";
            case CHANNEL_MEAN -> "gate, mean over channels";
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

    /** {@code cats/tabby.jpg} -> {@code cats_tabby.jpg}: one flat folder per image, unique per file. */
    static String outputFolder(String relativeName) {
        return relativeName.replace('/', '_').replace('\\', '_');
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
