package io.attnspark.explain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.attnspark.datasets.skip.SkipReason;
import io.attnspark.model.Models;
import io.attnspark.train.Checkpoints;
import io.attnspark.train.config.ConfigLoader;
import io.attnspark.train.config.TrainConfig;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import javax.imageio.ImageIO;
import org.apache.hadoop.conf.Configuration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Tiny ResNet-18s (width 0.25, 32 px) saved as the trainer saves them, explained on generated images: the PNGs exist,
 * decode, keep each image's aspect ratio and are not blank; bad files are skipped and counted.
 */
class ExplainerTest {

    private static final List<String> CLASSES = List.of("00_circle", "01_square", "02_stripes");

    @TempDir
    static Path tmp;
    static Path images;
    static Path data;

    @BeforeAll
    static void writeImages() throws IOException {
        System.setProperty("java.awt.headless", "true");
        images = Files.createDirectories(tmp.resolve("images"));
        writeImage(images.resolve("wide.png"), 48, 32, "png");
        writeImage(Files.createDirectories(images.resolve("tall")).resolve("tall.jpg"), 30, 40, "jpg");
        Files.writeString(images.resolve("notes.txt"), "not an image");
        Files.write(images.resolve("empty.jpg"), new byte[0]);
        Files.writeString(images.resolve(".hidden.png"), "ignored");
        data = Files.createDirectories(tmp.resolve("data"));
        Files.write(data.resolve("synsets.txt"), List.of("00_circle Circle", "01_square Square", "02_stripes Stripes"),
                StandardCharsets.UTF_8);
    }

    /** A grey background with a bright disc off centre and stripes, so that maps and charts have something to vary over. */
    private static void writeImage(Path file, int width, int height, String format) throws IOException {
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        g.setColor(Color.DARK_GRAY);
        g.fillRect(0, 0, width, height);
        g.setColor(Color.ORANGE);
        g.fillOval(width / 8, height / 8, width / 3, height / 3);
        g.setColor(Color.CYAN);
        for (int x = width / 2; x < width; x += 4) {
            g.fillRect(x, 0, 2, height);
        }
        g.dispose();
        assertTrue(ImageIO.write(image, format, file.toFile()));
    }

    private static TrainConfig config(String attention) {
        return ConfigLoader.load(null, List.of("model.attention=" + attention, "model.width=0.25", "model.imageSize=32",
                "model.stages=[3, 4]", "data.path=" + data));
    }

    /** A network of {@code config} in a checkpoint directory, as the trainer writes it after epoch 1. */
    private static Path checkpoint(String name, TrainConfig config, boolean withConfig) throws IOException {
        var network = Models.build(config.model().toSpec(CLASSES.size()).resolve(), new NeuralNetConfiguration.Builder().seed(3));
        Path dir = tmp.resolve("checkpoints").resolve(name);
        new Checkpoints(dir.toString(), new Configuration()).save(network, new Checkpoints.State("run-" + name,
                "2026-01-01T00:00:00Z", 1, List.of(), withConfig ? ConfigLoader.toMap(config) : null,
                withConfig ? CLASSES : null));
        return dir;
    }

    private static ExplainReport explain(Path checkpoint, Path out, String attention) throws IOException {
        var model = ExplainableModel.load(checkpoint.resolve("epoch-0001.zip").toString(), new Configuration(), null);
        assertEquals(attention, model.spec().attention());
        var log = new ByteArrayOutputStream();
        var report = new Explainer(model, new PrintStream(log, true, StandardCharsets.UTF_8), Explainer.Display.DEFAULT)
                .explain(images, out, 10);
        String printed = log.toString(StandardCharsets.UTF_8);
        assertTrue(printed.contains(") on 4 files in "), "4 files, fewer than --max 10:\n" + printed);
        assertTrue(printed.contains("01_square (Square)") || printed.contains("00_circle (Circle)")
                || printed.contains("02_stripes (Stripes)"), "top-5 with class names from synsets.txt:\n" + printed);
        return report;
    }

    @Test
    void cbamGivesAChannelChartAndAHeatMapPerModuleThatKeepTheImagesAspect() throws IOException {
        Path out = tmp.resolve("out-cbam");
        ExplainReport report = explain(checkpoint("cbam", config("cbam"), true), out, "cbam");

        assertEquals(2, report.images().size(), "wide.png and tall/tall.jpg");
        assertEquals(1, report.skipped().count(SkipReason.EMPTY_FILE));
        assertEquals(1, report.skipped().count(SkipReason.NOT_AN_IMAGE));
        for (ImageExplanation image : report.images()) {
            assertEquals(5, image.pngs().size(), "a channel chart and 4 spatial maps (stages 3 and 4, 2 blocks each)");
            assertEquals(3, image.top().size(), "top-5 of 3 classes");
            BufferedImage source = ImageIO.read(image.image().toFile());
            double aspect = (double) source.getWidth() / source.getHeight();
            for (Path png : image.pngs()) {
                BufferedImage written = ImageIO.read(png.toFile());
                assertNotNull(written, png + " does not decode");
                assertTrue(distinctColours(written) > 50, png + " looks blank");
                if (png.getFileName().toString().startsWith("spatial-")) {
                    assertEquals(aspect, (double) written.getWidth() / written.getHeight(), 0.02, png + " aspect");
                    assertEquals(SpatialOverlay.LONG_SIDE, Math.max(written.getWidth(), written.getHeight()));
                }
            }
        }
        assertTrue(Files.isRegularFile(out.resolve("wide").resolve(Explainer.CHANNEL_CHART)));
        assertTrue(Files.isRegularFile(out.resolve("tall_tall").resolve("spatial-layer4.1.attn.png")));
        List<String> values = Files.readAllLines(out.resolve("wide").resolve(Explainer.VALUES));
        assertEquals("module,map,index,value", values.get(0));
        long spatial = values.stream().filter(line -> line.contains(",spatial gate,")).count();
        long gates = values.stream().filter(line -> line.contains(",channel gate,")).count();
        assertTrue(spatial > 0 && gates > 0, "every value drawn, spatial and channel: " + values.size() + " lines");
    }

    @Test
    void seGivesOnlyTheChannelChart() throws IOException {
        ExplainReport report = explain(checkpoint("se", config("se"), true), tmp.resolve("out-se"), "se");
        assertEquals(2, report.images().size());
        for (ImageExplanation image : report.images()) {
            assertEquals(List.of(Explainer.CHANNEL_CHART), image.pngs().stream().map(p -> p.getFileName().toString()).toList());
            BufferedImage chart = ImageIO.read(image.pngs().get(0).toFile());
            assertEquals(2 * ChannelCharts.TILE_WIDTH, chart.getWidth(), "4 modules, two charts a row");
            assertTrue(distinctColours(chart) > 10);
            BufferedImage input = chart.getSubimage(10, 10, ChannelCharts.INPUT_SIDE, ChannelCharts.INPUT_SIDE);
            assertTrue(distinctColours(input) > 10, "the network's input is drawn at the left of the header");
        }
    }

    @Test
    void aCheckpointWithoutItsConfigNeedsTheModelSettingsAndLabelsClassesByIndex() throws IOException {
        var config = config("bam");
        Path dir = checkpoint("old-bam", config, false);
        var missing = assertThrows(IllegalArgumentException.class,
                () -> ExplainableModel.load(dir.toString(), new Configuration(), null));
        assertTrue(missing.getMessage().contains("--config"), missing.getMessage());

        var model = ExplainableModel.load(dir.toString(), new Configuration(), config.model());
        assertEquals(List.of("class 0", "class 1", "class 2"), model.labels());
        var report = new Explainer(model, new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8),
                Explainer.Display.DEFAULT).explain(images, tmp.resolve("out-bam"), 1);
        assertEquals(1, report.images().size(), "--max 1");
        assertEquals(2, report.images().get(0).pngs().size(), "BAM after stages 3 and 4: one spatial map each, no channel chart");
    }

    @Test
    void aModelWithoutAttentionMapsOrCheckpointIsRefusedWithWhatIsSupported() throws IOException {
        Path plain = checkpoint("plain", config("none"), true);
        var noMaps = assertThrows(IllegalArgumentException.class,
                () -> ExplainableModel.load(plain.toString(), new Configuration(), null));
        assertTrue(noMaps.getMessage().contains("explain supports") && noMaps.getMessage().contains("cbam")
                && noMaps.getMessage().contains("se"), noMaps.getMessage());

        var missing = assertThrows(IllegalArgumentException.class,
                () -> ExplainableModel.load(tmp.resolve("nowhere/epoch-0001.zip").toString(), new Configuration(), null));
        assertTrue(missing.getMessage().contains("does not exist"), missing.getMessage());
    }

    @Test
    void anImageInAClassFolderShowsItsTrueClassNextToThePrediction() throws IOException {
        Path labelled = Files.createDirectories(tmp.resolve("labelled/01_square"));
        writeImage(labelled.resolve("sq.png"), 32, 32, "png");
        var model = ExplainableModel.load(checkpoint("se-true", config("se"), true).toString(), new Configuration(), null);
        var log = new ByteArrayOutputStream();
        new Explainer(model, new PrintStream(log, true, StandardCharsets.UTF_8), Explainer.Display.DEFAULT)
                .explain(tmp.resolve("labelled"), tmp.resolve("out-true"), 1);
        String printed = log.toString(StandardCharsets.UTF_8);
        assertTrue(printed.contains("01_square/sq.png (true: 01_square (Square)): "), printed);
    }

    @Test
    void perClassMeansOfTheChannelGatesAreOneChartPerModuleAndACsv() throws IOException {
        Path classes = tmp.resolve("classes");
        writeImage(Files.createDirectories(classes.resolve("00_circle")).resolve("a.png"), 32, 32, "png");
        writeImage(classes.resolve("00_circle").resolve("b.jpg"), 40, 30, "jpg");
        writeImage(Files.createDirectories(classes.resolve("01_square")).resolve("c.png"), 30, 40, "png");
        Files.createDirectories(classes.resolve("not_a_class"));
        var model = ExplainableModel.load(checkpoint("se-classes", config("se"), true).toString(), new Configuration(), null);
        var explainer = new Explainer(model, new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8),
                Explainer.Display.DEFAULT);

        List<Path> charts = explainer.explainPerClass(classes, tmp.resolve("out-classes"), 5);

        assertEquals(4, charts.size(), "se in 2 blocks of stages 3 and 4");
        for (Path chart : charts) {
            assertTrue(distinctColours(ImageIO.read(chart.toFile())) > 3, chart + " looks blank");
        }
        List<String> csv = Files.readAllLines(tmp.resolve("out-classes").resolve(ClassGateProfiles.CSV));
        assertEquals("module,class,images,channel,mean_gate", csv.get(0));
        assertTrue(csv.stream().anyMatch(line -> line.contains(",00_circle,2,0,")), "circle averages its 2 images");
        assertTrue(csv.stream().anyMatch(line -> line.contains(",01_square,1,0,")));
        var spatialOnly = ExplainableModel.load(checkpoint("bam-classes", config("bam"), true).toString(),
                new Configuration(), null);
        var refused = assertThrows(IllegalArgumentException.class, () -> new Explainer(spatialOnly,
                new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8), Explainer.Display.DEFAULT)
                .explainPerClass(classes, tmp.resolve("out-bam-classes"), 5));
        assertTrue(refused.getMessage().startsWith("--per-class needs channel gates"), refused.getMessage());
    }

    @Test
    void outputFoldersDropTheExtensionUnlessTwoImagesWouldShareAFolder() {
        Path root = Path.of("/images");
        var folders = Explainer.outputFolders(root, List.of(root.resolve("cats/tabby.jpg"), root.resolve("dog.jpg"),
                root.resolve("dog.png")));
        assertEquals(List.of("cats_tabby", "dog-jpg", "dog-png"), List.copyOf(folders.values()));
    }

    private static int distinctColours(BufferedImage image) {
        Set<Integer> colours = new HashSet<>();
        for (int y = 0; y < image.getHeight(); y += 2) {
            for (int x = 0; x < image.getWidth(); x += 2) {
                colours.add(image.getRGB(x, y));
            }
        }
        return colours.size();
    }
}
