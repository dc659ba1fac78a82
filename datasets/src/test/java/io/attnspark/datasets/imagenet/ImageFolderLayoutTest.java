package io.attnspark.datasets.imagenet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;

import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.attnspark.datasets.TestImages;
import io.attnspark.datasets.fashion.FashionMnistConverter;
import io.attnspark.datasets.skip.SkipReason;

class ImageFolderLayoutTest {
    private final Configuration conf = new Configuration();

    @Test
    void labelsAreSortedTrainClassIdsAndUnknownValClassesAreCountedNotReturned(@TempDir Path root) throws IOException {
        touch(root, "train/n02/b.JPEG", "train/n02/a.JPEG", "train/n01/z.JPEG", "train/n01/.hidden", "train/_SUCCESS",
                "val/n02/v2.JPEG", "val/n01/v1.JPEG", "val/n99/x.JPEG", "val/n99/y.JPEG", "val/stray.JPEG");

        ImageFolderLayout layout = ImageFolderLayout.open(root.toString(), conf);

        assertEquals(List.of("n01", "n02"), layout.classIds());
        SplitListing train = layout.list("train");
        assertEquals(List.of("n01/z.JPEG", "n02/a.JPEG", "n02/b.JPEG"), relative(train, root.resolve("train")));
        assertEquals(List.of(0, 1, 1), train.images().stream().map(LabeledImage::label).toList());
        assertEquals(0, train.unknownClassFiles());

        SplitListing val = layout.list("val");
        assertEquals(List.of("n01/v1.JPEG", "n02/v2.JPEG"), relative(val, root.resolve("val")));
        assertEquals(List.of(0, 1), val.images().stream().map(LabeledImage::label).toList());
        assertEquals(2, val.unknownClassFiles());
        assertEquals(Set.of("n99"), val.unknownClassIds());
        assertEquals(1, val.filesOutsideClassDirs());
    }

    @Test
    void nestedFilesBrokenLinksAndLooseFilesAreCountedAsSkippedWithTheirReasons(@TempDir Path root) throws IOException {
        touch(root, "train/n01/a.JPEG", "train/n01/extra/b.JPEG", "train/n01/extra/deeper/c.JPEG", "train/n02/d.JPEG",
                "train/loose.JPEG", "val/n01/v.JPEG", "val/n02/w.JPEG");
        Files.createSymbolicLink(root.resolve("train/n02/gone.JPEG"), root.resolve("nowhere/gone.JPEG"));

        SplitListing train = ImageFolderLayout.open(root.toString(), conf).list("train");

        assertEquals(List.of("n01/a.JPEG", "n02/d.JPEG"), relative(train, root.resolve("train")));
        var skipped = train.skipped();
        assertEquals(2, skipped.count(SkipReason.NESTED_FOLDER), skipped.toString());
        assertEquals(1, skipped.count(SkipReason.BROKEN_LINK), skipped.toString());
        assertEquals(1, skipped.count(SkipReason.OUTSIDE_CLASS_FOLDER), skipped.toString());
        assertEquals(4, skipped.total(), "with the 2 images, every one of the 6 files is accounted for");
        assertTrue(skipped.examples().stream().anyMatch(e -> e.contains("gone.JPEG: symbolic link to missing")),
                skipped.examples().toString());
        assertTrue(skipped.examples().stream().anyMatch(e -> e.contains("c.JPEG: in a sub-folder of class n01")),
                skipped.examples().toString());
    }

    @Test
    void readsAFileUriAndTheConvertedFashionMnistLayout(@TempDir Path root) throws IOException {
        TestImages.fashion(root, 2, 1);

        ImageFolderLayout layout = ImageFolderLayout.open(root.toUri().toString(), conf);

        assertEquals(FashionMnistConverter.CLASS_IDS, layout.classIds());
        assertTrue(layout.hasSplit("val"));
        SplitListing train = layout.list(ImageLayout.TRAIN);
        assertEquals(20, train.images().size());
        for (LabeledImage image : train.images()) {
            assertTrue(image.uri().startsWith("file:"), image.uri());
            String classDir = Path.of(java.net.URI.create(image.uri())).getParent().getFileName().toString();
            assertEquals(FashionMnistConverter.CLASS_IDS.get(image.label()), classDir);
        }
        assertEquals(10, layout.list(ImageLayout.VAL).images().size());
        assertEquals(train, layout.list(ImageLayout.TRAIN), "listing is deterministic");
    }

    @Test
    void missingOrEmptyTrainAndMissingSplitAreClearErrors(@TempDir Path root) throws IOException {
        FileNotFoundException missing = assertThrows(FileNotFoundException.class,
                () -> ImageFolderLayout.open(root.toString(), conf));
        assertTrue(missing.getMessage().contains("no train/ directory"), missing.getMessage());

        Files.createDirectories(root.resolve("train"));
        touch(root, "train/loose.JPEG");
        IOException empty = assertThrows(IOException.class, () -> ImageFolderLayout.open(root.toString(), conf));
        assertTrue(empty.getMessage().contains("no class directories"), empty.getMessage());

        touch(root, "train/n01/a.JPEG");
        ImageFolderLayout layout = ImageFolderLayout.open(root.toString(), conf);
        assertFalse(layout.hasSplit("val"));
        FileNotFoundException noVal = assertThrows(FileNotFoundException.class, () -> layout.list("val"));
        assertTrue(noVal.getMessage().contains("no val/ directory"), noVal.getMessage());
    }

    private static List<String> relative(SplitListing listing, Path splitDir) {
        return listing.images().stream()
                .map(i -> splitDir.relativize(Path.of(java.net.URI.create(i.uri()))).toString())
                .toList();
    }

    private static void touch(Path root, String... files) throws IOException {
        for (String file : files) {
            Path path = root.resolve(file);
            Files.createDirectories(path.getParent());
            Files.write(path, new byte[] {1});
        }
    }
}
