package io.attnspark.train;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.util.ModelSerializer;

/**
 * Reads checkpoints written before the vertices and hand-written layers moved from {@code model.attention} to
 * {@code model.layer}. DL4J finds a configuration's classes by their full names, so without this a run could not be
 * resumed, explained or evaluated after the move; the old names are rewritten in the zip's configuration on reading.
 */
final class MovedLayerClasses {

    private static final String CONFIGURATION = "configuration.json";
    private static final Pattern OLD_NAME = Pattern.compile("io\\.attnspark\\.model\\.attention\\.(\\w+)");

    private MovedLayerClasses() {
    }

    /** A {@code ModelSerializer} zip as a network, updater included, whichever package its classes were saved under. */
    static ComputationGraph restore(InputStream zip) throws IOException {
        Path copy = Files.createTempFile("attnspark-checkpoint-", ".zip");
        try {
            try (var in = new ZipInputStream(zip); var out = new ZipOutputStream(Files.newOutputStream(copy))) {
                for (ZipEntry entry = in.getNextEntry(); entry != null; entry = in.getNextEntry()) {
                    out.putNextEntry(new ZipEntry(entry.getName()));
                    if (entry.getName().equals(CONFIGURATION)) {
                        out.write(rewrite(new String(in.readAllBytes(), StandardCharsets.UTF_8)).getBytes(StandardCharsets.UTF_8));
                    } else {
                        in.transferTo(out);
                    }
                    out.closeEntry();
                }
            }
            return ModelSerializer.restoreComputationGraph(copy.toFile(), true);
        } finally {
            Files.deleteIfExists(copy);
        }
    }

    /** The configuration with each old class name that now lives in {@code model.layer} renamed there. */
    static String rewrite(String json) {
        Matcher name = OLD_NAME.matcher(json);
        var rewritten = new StringBuilder();
        while (name.find()) {
            String moved = "io.attnspark.model.layer." + name.group(1);
            boolean movedToLayer = !exists(name.group()) && exists(moved);
            name.appendReplacement(rewritten, Matcher.quoteReplacement(movedToLayer ? moved : name.group()));
        }
        name.appendTail(rewritten);
        return rewritten.toString();
    }

    private static boolean exists(String className) {
        try {
            Class.forName(className, false, MovedLayerClasses.class.getClassLoader());
            return true;
        } catch (ClassNotFoundException e) {
            return false;
        }
    }
}
