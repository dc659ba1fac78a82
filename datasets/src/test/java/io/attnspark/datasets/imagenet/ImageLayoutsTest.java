package io.attnspark.datasets.imagenet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.IntStream;

import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The classic (per-class and flat val) and Kaggle layouts, detected and named. Label files are synthetic. */
class ImageLayoutsTest {
    private final Configuration conf = new Configuration();

    @Test
    void classicFlatValMapsIlsvrcIdsToWnidsThroughTheDevkitOrderNotTheSortedOne(@TempDir Path root) throws IOException {
        ImageNetFixtures.classicFlatVal(root, false);

        ImageFolderLayout layout = ImageLayouts.open(root.toString(), conf);

        assertEquals(ImageLayouts.Kind.CLASSIC, layout.kind());
        assertEquals(List.of("n01", "n02", "n03"), layout.classIds());
        SplitListing val = layout.list(ImageLayout.VAL);
        // ILSVRC2012_IDs 1,2,3 are n03,n01,n02: val 1 -> ID 1 = n03, val 2 -> ID 3 = n02, val 3 -> ID 2 = n01
        assertEquals(Map.of("ILSVRC2012_val_00000001.JPEG", 2, "ILSVRC2012_val_00000002.JPEG", 1,
                "ILSVRC2012_val_00000003.JPEG", 0), labelsByName(val));
        assertEquals(List.of("ILSVRC2012_val_00000003.JPEG", "ILSVRC2012_val_00000002.JPEG",
                "ILSVRC2012_val_00000001.JPEG"), val.images().stream().map(i -> name(i.uri())).toList(),
                "sorted by class, like a class-directory listing");
        assertEquals(1, val.unknownClassFiles(), "val 4 has no ground-truth line");
        assertEquals(Set.of("(no ground-truth label)"), val.unknownClassIds());
        assertTrue(val.unknownClassExamples().get(0).endsWith("ILSVRC2012_val_00000004.JPEG"),
                val.unknownClassExamples().toString());
        assertEquals(3, layout.list(ImageLayout.TRAIN).images().size());
    }

    @Test
    void theDevkitFilesMayStayInTheDevkitDataDirectory(@TempDir Path root) throws IOException {
        ImageNetFixtures.classicFlatVal(root, true);

        SplitListing val = ImageLayouts.open(root.toUri().toString(), conf, ImageLayouts.Kind.CLASSIC)
                .list(ImageLayout.VAL);

        assertEquals(2, labelsByName(val).get("ILSVRC2012_val_00000001.JPEG"));
    }

    @Test
    void aMissingOrSortedSynsetListIsAClearErrorNamingTheFile(@TempDir Path root) throws IOException {
        ImageNetFixtures.classicFlatVal(root, false);
        Files.delete(root.resolve(ImageNetLabelFiles.SYNSETS_BY_ID));
        ImageFolderLayout layout = ImageLayouts.open(root.toString(), conf);
        assertTrue(layout.hasSplit(ImageLayout.VAL));

        FileNotFoundException missing = assertThrows(FileNotFoundException.class, () -> layout.list(ImageLayout.VAL));
        assertTrue(missing.getMessage().contains(ImageNetLabelFiles.SYNSETS_BY_ID)
                && missing.getMessage().contains("meta.mat"), missing.getMessage());

        List<String> sorted = IntStream.range(0, 1000).mapToObj(i -> String.format("n%08d", i)).toList();
        Files.write(root.resolve(ImageNetLabelFiles.SYNSETS_BY_ID), sorted);
        IOException wrongOrder = assertThrows(IOException.class,
                () -> ImageLayouts.open(root.toString(), conf).list(ImageLayout.VAL));
        assertTrue(wrongOrder.getMessage().contains("not in the devkit's ILSVRC2012_ID order"), wrongOrder.getMessage());

        Files.delete(root.resolve(ImageNetLabelFiles.DEVKIT_GROUND_TRUTH));
        FileNotFoundException noTruth = assertThrows(FileNotFoundException.class,
                () -> ImageLayouts.open(root.toString(), conf).list(ImageLayout.VAL));
        assertTrue(noTruth.getMessage().contains(ImageNetLabelFiles.DEVKIT_GROUND_TRUTH), noTruth.getMessage());
    }

    @Test
    void kaggleLayoutTakesClassesFromTheSynsetMappingAndValLabelsFromTheSolutionCsv(@TempDir Path root)
            throws IOException {
        ImageNetFixtures.kaggle(root);

        ImageFolderLayout layout = ImageLayouts.open(root.toString(), conf);

        assertEquals(ImageLayouts.Kind.KAGGLE, layout.kind());
        assertEquals(List.of("n01", "n02", "n03"), layout.classIds(), "sorted, whatever the file order");
        SplitListing train = layout.list(ImageLayout.TRAIN);
        assertEquals(Map.of("n01_1.JPEG", 0, "n01_2.JPEG", 0, "n03_1.JPEG", 2), labelsByName(train));
        assertEquals(1, train.unknownClassFiles());
        assertEquals(Set.of("n99"), train.unknownClassIds());
        assertTrue(train.images().get(0).uri().contains("/ILSVRC/Data/CLS-LOC/train/n01/"), train.images().get(0).uri());

        SplitListing val = layout.list(ImageLayout.VAL);
        assertEquals(Map.of("ILSVRC2012_val_00000001.JPEG", 2, "ILSVRC2012_val_00000002.JPEG", 0), labelsByName(val));
        assertEquals(Set.of("n77"), val.unknownClassIds());

        assertEquals(ImageLayouts.Kind.KAGGLE, ImageLayouts.open(root.toString(), conf, ImageLayouts.Kind.KAGGLE).kind());
        FileNotFoundException notClassic = assertThrows(FileNotFoundException.class,
                () -> ImageLayouts.open(root.toString(), conf, ImageLayouts.Kind.CLASSIC));
        assertTrue(notClassic.getMessage().contains("no train/ directory"), notClassic.getMessage());
    }

    @Test
    void aKaggleLayoutWithoutItsSynsetMappingNamesTheFile(@TempDir Path root) throws IOException {
        ImageNetFixtures.kaggle(root);
        Files.delete(root.resolve(ImageNetLabelFiles.KAGGLE_SYNSETS));

        FileNotFoundException e = assertThrows(FileNotFoundException.class, () -> ImageLayouts.open(root.toString(), conf));
        assertTrue(e.getMessage().contains(ImageNetLabelFiles.KAGGLE_SYNSETS), e.getMessage());
    }

    @Test
    void classicPerClassValIsDetectedAndAnUnknownRootIsAClearError(@TempDir Path root) throws IOException {
        FileNotFoundException unknown = assertThrows(FileNotFoundException.class,
                () -> ImageLayouts.open(root.toString(), conf));
        assertTrue(unknown.getMessage().contains("cannot tell the layout"), unknown.getMessage());

        ImageNetFixtures.write(root, "train/n02/a.JPEG", "train/n01/b.JPEG", "val/n02/c.JPEG");
        ImageFolderLayout layout = ImageLayouts.open(root.toString(), conf);
        assertEquals(ImageLayouts.Kind.CLASSIC, layout.kind());
        assertEquals(Map.of("c.JPEG", 1), labelsByName(layout.list(ImageLayout.VAL)));
        assertFalse(layout.hasSplit("test"));
    }

    @Test
    void layoutNamesParseCaseInsensitively() {
        assertEquals(ImageLayouts.Kind.KAGGLE, ImageLayouts.Kind.parse("Kaggle"));
        assertEquals(ImageLayouts.Kind.AUTO, ImageLayouts.Kind.parse("auto"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ImageLayouts.Kind.parse("imagefolder"));
        assertTrue(e.getMessage().contains("auto, classic or kaggle"), e.getMessage());
    }

    private static Map<String, Integer> labelsByName(SplitListing listing) {
        Map<String, Integer> labels = new TreeMap<>();
        for (LabeledImage image : listing.images()) {
            labels.put(name(image.uri()), image.label());
        }
        return labels;
    }

    private static String name(String uri) {
        return Path.of(URI.create(uri)).getFileName().toString();
    }

}
