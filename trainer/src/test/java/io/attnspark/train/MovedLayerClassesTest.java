package io.attnspark.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.attnspark.model.AttentionPosition;
import io.attnspark.model.ModelSpec;
import io.attnspark.train.config.ConfigLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;
import org.apache.hadoop.conf.Configuration;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.util.ModelSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Checkpoints saved before the vertices and hand-written layers moved to model.layer still restore. */
class MovedLayerClassesTest {

    @Test
    void aCheckpointNamingTheOldPackageRestoresWithItsParameters(@TempDir Path tmp) throws Exception {
        // SE's channel scale and pooling vertices, and dynconv's kernel-mixture layer, all moved
        var spec = new ModelSpec("resnet18", 0.125, 10, 32, true, "dynconv", Map.of("experts", 2), AttentionPosition.CONV,
                new TreeSet<>(Set.of(1)));
        var net = new ComputationGraph(Trainer.configure(spec.resolve(), ConfigLoader.load(null, List.of("data.path=x")).recipe(), 64));
        net.init();
        Path dir = tmp.resolve("ck");
        new Checkpoints(dir.toUri().toString(), new Configuration())
                .save(net, new Checkpoints.State("run-1", "2026-01-01T00:00:00Z", 1, List.of(), Map.of(), List.of("a", "b")));
        Path zip = dir.resolve("epoch-0001.zip");
        int renamed = renameLayerPackage(zip);
        assertTrue(renamed > 0, "the network has no class of the moved package");
        assertThrows(Exception.class, () -> ModelSerializer.restoreComputationGraph(zip.toFile(), true),
                "DL4J alone reads the old names");

        var restored = Checkpoints.read(zip.toUri().toString(), new Configuration()).network();
        assertEquals(net.params(), restored.params());
        assertEquals(net.getConfiguration(), restored.getConfiguration());
    }

    @Test
    void namesThatStillLiveInTheAttentionPackageStay() {
        String json = "{\"@class\":\"io.attnspark.model.attention.SqueezeExcite\",\"v\":\"io.attnspark.model.attention.ChannelScaleVertex\"}";
        assertEquals("{\"@class\":\"io.attnspark.model.attention.SqueezeExcite\",\"v\":\"io.attnspark.model.layer.ChannelScaleVertex\"}",
                MovedLayerClasses.rewrite(json));
    }

    /** Writes the checkpoint back as one saved before the move; returns how many names it changed. */
    private static int renameLayerPackage(Path zip) throws Exception {
        Path copy = zip.resolveSibling("old.zip");
        int renamed = 0;
        try (var in = new ZipInputStream(Files.newInputStream(zip)); var out = new ZipOutputStream(Files.newOutputStream(copy))) {
            for (ZipEntry entry = in.getNextEntry(); entry != null; entry = in.getNextEntry()) {
                byte[] bytes = in.readAllBytes();
                if (entry.getName().equals("configuration.json")) {
                    String json = new String(bytes, StandardCharsets.UTF_8);
                    renamed = json.split("io\\.attnspark\\.model\\.layer\\.", -1).length - 1;
                    bytes = json.replace("io.attnspark.model.layer.", "io.attnspark.model.attention.").getBytes(StandardCharsets.UTF_8);
                }
                out.putNextEntry(new ZipEntry(entry.getName()));
                out.write(bytes);
                out.closeEntry();
            }
        }
        Files.move(copy, zip, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        // Hadoop's local file system checks the zip against the checksum it wrote beside it
        Files.deleteIfExists(zip.resolveSibling("." + zip.getFileName() + ".crc"));
        return renamed;
    }
}
