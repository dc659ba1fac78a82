package io.attnspark.datasets.pack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The bad-data corpus: each mistake is one line naming what is wrong and the fix, found without Spark. */
class TrainingDataTest {
    private final Configuration conf = new Configuration();

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "missing folder    |                                            | does not exist; convert a dataset first",
            "a file            | FILE                                       | is not a dataset: it holds neither pack.json nor train/",
            "no train/         | images/a/1.JPEG                            | is not a dataset: it holds neither pack.json nor train/",
            "no class folder   | train/1.JPEG                               | has no class directories",
            "one class         | train/a/1.JPEG val/a/2.JPEG                | has 1 class (a); a classifier needs at least 2",
            "no val/           | train/a/1.JPEG train/b/2.JPEG              | has no val/ folder",
            "empty class       | train/a/1.JPEG train/b/.keep val/a/2.JPEG  | 1 of 2 class folders hold no images (train/b); add images or remove",
            "only nested files | train/a/1.JPEG train/b/x/2.JPEG val/a/3.JPEG | (train/b) (1 skipped (NESTED_FOLDER 1))",
            "empty val/        | train/a/1.JPEG train/b/2.JPEG val/.keep    | val/ holds no images; put them in val/<class-id>/<image>",
            "no pack.json      | train/a/1.JPEG train/b/2.JPEG val/a/shard-00000.zip.json.tmp |",
    })
    void badDataIsOneLineWithTheFix(String name, String files, String expected, @TempDir Path tmp) throws IOException {
        Path root = tmp.resolve("data");
        if ("FILE".equals(files)) {
            Files.writeString(root, "not a folder");
        } else if (files != null) {
            for (String file : files.split(" ")) {
                Files.createDirectories(root.resolve(file).getParent());
                Files.write(root.resolve(file), new byte[]{1});
            }
        }
        if (expected == null) {
            assertNull(TrainingData.check(root.toString(), conf).packed(), name + ": listed, to be packed");
            return;
        }
        var e = assertThrows(IllegalArgumentException.class, () -> TrainingData.check(root.toString(), conf), name);
        assertTrue(e.getMessage().contains(expected.strip()), name + ": " + e.getMessage());
        assertFalse(e.getMessage().contains("\n"), e.getMessage());
    }

    @Test
    void thePackFolderIsNamedAfterTheContentSoAChangedDatasetGetsANewPack(@TempDir Path tmp) throws IOException {
        Path root = tmp.resolve("flowers");
        for (String file : new String[]{"train/a/1.JPEG", "train/b/2.JPEG", "val/a/3.JPEG"}) {
            Files.createDirectories(root.resolve(file).getParent());
            Files.write(root.resolve(file), new byte[]{1});
        }
        String before = TrainingData.check(root.toString(), conf).packUri("work/packs/", 32, 7);
        assertEquals(before, TrainingData.check(root.toString(), conf).packUri("work/packs", 32, 7));
        assertTrue(before.matches("work/packs/flowers-[0-9a-f]{8}-b32-s7"), before);

        Files.write(root.resolve("train/b/4.JPEG"), new byte[]{1});

        assertNotEquals(before, TrainingData.check(root.toString(), conf).packUri("work/packs", 32, 7));
    }
}
