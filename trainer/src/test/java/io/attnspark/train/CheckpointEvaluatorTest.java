package io.attnspark.train;

import io.attnspark.model.Models;
import io.attnspark.train.config.ConfigLoader;
import org.apache.hadoop.conf.Configuration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code attnspark evaluate} on Spark: counts, per-class accuracy, CSVs and the PNG; mismatches fail before Spark. */
class CheckpointEvaluatorTest {
    private static final List<String> CLASSES = List.of("a", "b", "c");

    @TempDir
    static Path tmp;
    static Path data;
    static Path checkpoint;

    @BeforeAll
    static void datasetAndCheckpoint() throws IOException {
        System.setProperty("java.awt.headless", "true");
        data = tmp.resolve("data");
        Color[] colours = {Color.RED, Color.GREEN, Color.BLUE};
        for (int c = 0; c < CLASSES.size(); c++) {
            for (String split : List.of("train", "val")) {
                for (int i = 0; i < (split.equals("val") ? 2 + c : 1); i++) {
                    Path file = data.resolve(split).resolve(CLASSES.get(c)).resolve(i + ".jpg");
                    Files.createDirectories(file.getParent());
                    writeJpeg(file, colours[c], i);
                }
            }
        }
        var config = ConfigLoader.load(null, List.of("model.width=0.25", "model.imageSize=32", "data.path=" + data));
        var network = Models.build(config.model().toSpec(CLASSES.size()).resolve(), new NeuralNetConfiguration.Builder().seed(3));
        checkpoint = tmp.resolve("checkpoints/resnet18-none-0123456789ab");
        new Checkpoints(checkpoint.toString(), new Configuration()).save(network, new Checkpoints.State("run-1",
                "2026-01-01T00:00:00Z", 1, List.of(), ConfigLoader.toMap(config), CLASSES));
    }

    private static void writeJpeg(Path file, Color colour, int seed) throws IOException {
        var image = new BufferedImage(40, 40, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        g.setColor(colour);
        g.fillRect(0, 0, 40, 40);
        g.setColor(Color.WHITE);
        g.fillOval(seed * 5, seed * 3, 12, 12);
        g.dispose();
        assertTrue(ImageIO.write(image, "jpg", file.toFile()));
    }

    private static CheckpointEvaluator.Request request(String model, Path dataset) {
        return new CheckpointEvaluator.Request(model, dataset.toString(), tmp.resolve("packs").toString(), "local[1]", 4);
    }

    @Test
    void countsEveryValidationImageAndWritesTheCsvsAndThePng() throws IOException {
        var log = new ByteArrayOutputStream();
        var report = CheckpointEvaluator.evaluate(request(checkpoint.toString(), data),
                new PrintStream(log, true, StandardCharsets.UTF_8));

        assertEquals(CLASSES, report.classIds());
        assertEquals(9, report.total());
        assertEquals(List.of(2L, 3L, 4L), List.of(report.images(0), report.images(1), report.images(2)));
        long correct = report.counts()[0][0] + report.counts()[1][1] + report.counts()[2][2];
        assertEquals(correct / 9.0, report.top1(), 1e-9);
        assertEquals(1.0, report.top5(), 1e-9, "3 classes: the true one is always among the top 5");

        Path out = tmp.resolve("evaluation");
        report.write(out.toString(), new Configuration());
        List<String> perClass = Files.readAllLines(out.resolve("per-class.csv"));
        assertEquals("class,images,correct,accuracy", perClass.get(0));
        assertTrue(perClass.get(2).startsWith("b,3," + report.counts()[1][1] + ","), perClass.toString());
        List<String> confusion = Files.readAllLines(out.resolve("confusion.csv"));
        assertEquals("true\\predicted,a,b,c", confusion.get(0));
        assertEquals(4, Arrays.stream(confusion.get(3).split(",")).skip(1).mapToLong(Long::parseLong).sum());
        var png = ImageIO.read(new ByteArrayInputStream(Files.readAllBytes(out.resolve("confusion.png"))));
        assertTrue(png.getWidth() >= 600 && png.getHeight() >= 500, png.getWidth() + "x" + png.getHeight());
    }

    @Test
    void aDatasetOfOtherClassesOrNoDatasetFailsBeforeSpark() throws IOException {
        Path other = tmp.resolve("other");
        for (String file : List.of("train/x/1.jpg", "train/y/2.jpg", "val/x/3.jpg")) {
            Files.createDirectories(other.resolve(file).getParent());
            Files.write(other.resolve(file), new byte[]{1});
        }
        var sink = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
        var classes = assertThrows(IllegalArgumentException.class,
                () -> CheckpointEvaluator.evaluate(request(checkpoint.toString(), other), sink));
        assertTrue(classes.getMessage().startsWith("--data: its 2 classes differ from the 3 the checkpoint was trained on"),
                classes.getMessage());
        var notData = assertThrows(IllegalArgumentException.class,
                () -> CheckpointEvaluator.evaluate(request(checkpoint.toString(), tmp.resolve("nothing")), sink));
        assertTrue(notData.getMessage().startsWith("--data: ") && notData.getMessage().contains("does not exist"),
                notData.getMessage());
    }
}
