package io.attnspark.datasets.imagenet;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.nio.file.Files;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocatedFileStatus;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RemoteIterator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.attnspark.datasets.skip.SkipReason;
import io.attnspark.datasets.skip.SkipTally;

/**
 * An ImageNet-style layout read through the Hadoop FileSystem API (file://, hdfs://, or a plain local path):
 * {@code train/<class-id>/*} plus splits that are either class directories ({@code val/<class-id>/*}) or flat
 * ({@code val/*}, labeled by a ground-truth file). Two layouts, described in {@link ImageLayouts}:
 * <ul>
 *   <li>{@link ImageLayouts.Kind#CLASSIC}: {@code ROOT/train}, {@code ROOT/val}; class ids = sorted train/ directories;
 *       a flat val/ is labeled by {@value ImageNetLabelFiles#DEVKIT_GROUND_TRUTH} and
 *       {@value ImageNetLabelFiles#SYNSETS_BY_ID};</li>
 *   <li>{@link ImageLayouts.Kind#KAGGLE}: {@code ROOT/ILSVRC/Data/CLS-LOC/{train,val}}; class ids = sorted wnids of
 *       {@code ROOT/LOC_synset_mapping.txt}; the flat val/ is labeled by {@code ROOT/LOC_val_solution.csv}.</li>
 * </ul>
 * Class index = position in the sorted class ids (the timm/torchvision convention). Names starting with '.' or '_'
 * (checksums, _SUCCESS markers, temp files) are ignored.
 */
public final class ImageFolderLayout implements ImageLayout {
    private static final Logger LOG = LoggerFactory.getLogger(ImageFolderLayout.class);

    private final FileSystem fs;
    private final Path root;
    private final Path dataDir;
    private final ImageLayouts.Kind kind;
    private final List<String> classIds;
    private final Map<String, Integer> classIndex;
    /** Flat splits' labels, file name without extension -> class id, read once per split. */
    private final Map<String, Map<String, String>> flatLabels = new ConcurrentHashMap<>();

    private ImageFolderLayout(FileSystem fs, Path root, Path dataDir, ImageLayouts.Kind kind, List<String> classIds) {
        this.fs = fs;
        this.root = root;
        this.dataDir = dataDir;
        this.kind = kind;
        this.classIds = List.copyOf(classIds);
        this.classIndex = new HashMap<>();
        for (int i = 0; i < classIds.size(); i++) {
            classIndex.put(classIds.get(i), i);
        }
    }

    /**
     * Opens the classic layout at {@code rootUri}; fails clearly when {@code train/} is missing or has no class
     * directory. A flat val/ is accepted here and needs its label files only when it is listed.
     */
    public static ImageFolderLayout open(String rootUri, Configuration conf) throws IOException {
        Path given = new Path(rootUri);
        FileSystem fs = given.getFileSystem(conf);
        Path root = fs.makeQualified(given);
        Path train = new Path(root, TRAIN);
        if (!isDirectory(fs, train)) {
            throw new FileNotFoundException("no " + TRAIN + "/ directory under " + root
                    + ": expected the ImageNet folder layout train/<class-id>/<image> and val/<class-id>/<image> (or a flat"
                    + " val/ with " + ImageNetLabelFiles.DEVKIT_GROUND_TRUTH + "), or the Kaggle layout "
                    + ImageLayouts.KAGGLE_DATA_DIR + "/train/<wnid>/<image>");
        }
        List<String> ids = new ArrayList<>();
        for (FileStatus status : visible(fs, train)) {
            if (status.isDirectory()) {
                ids.add(status.getPath().getName());
            }
        }
        if (ids.isEmpty()) {
            throw new IOException(train + " has no class directories: expected train/<class-id>/<image>");
        }
        ids.sort(Comparator.naturalOrder());
        return new ImageFolderLayout(fs, root, root, ImageLayouts.Kind.CLASSIC, ids);
    }

    /** Opens the Kaggle ImageNet layout at {@code rootUri} (the directory holding {@code LOC_synset_mapping.txt}). */
    public static ImageFolderLayout openKaggle(String rootUri, Configuration conf) throws IOException {
        Path given = new Path(rootUri);
        FileSystem fs = given.getFileSystem(conf);
        Path root = fs.makeQualified(given);
        Path dataDir = new Path(root, ImageLayouts.KAGGLE_DATA_DIR);
        if (!isDirectory(fs, new Path(dataDir, TRAIN))) {
            throw new FileNotFoundException("no " + ImageLayouts.KAGGLE_DATA_DIR + "/" + TRAIN + "/ directory under " + root
                    + ": expected the Kaggle ImageNet layout (ILSVRC/Data/CLS-LOC/train/<wnid>/<image>, "
                    + ImageNetLabelFiles.KAGGLE_SYNSETS + ", " + ImageNetLabelFiles.KAGGLE_VAL_SOLUTION + ")");
        }
        List<String> ids = new ArrayList<>(ImageNetLabelFiles.readSynsets(fs,
                ImageNetLabelFiles.require(fs, new Path(root, ImageNetLabelFiles.KAGGLE_SYNSETS),
                        "the Kaggle layout's class list")));
        ids.sort(Comparator.naturalOrder());
        return new ImageFolderLayout(fs, root, dataDir, ImageLayouts.Kind.KAGGLE, ids);
    }

    @Override
    public String rootUri() {
        return root.toString();
    }

    /** Which layout this is. */
    public ImageLayouts.Kind kind() {
        return kind;
    }

    @Override
    public List<String> classIds() {
        return classIds;
    }

    /** The class index of a class id, or -1 if the layout does not have it. */
    public int classIndex(String classId) {
        return classIndex.getOrDefault(classId, -1);
    }

    @Override
    public boolean hasSplit(String split) throws IOException {
        return isDirectory(fs, new Path(dataDir, split));
    }

    @Override
    public SplitListing list(String split) throws IOException {
        Path dir = new Path(dataDir, split);
        if (!hasSplit(split)) {
            throw new FileNotFoundException("no " + split + "/ directory under " + dataDir
                    + ": expected " + split + "/<class-id>/<image>" + (TRAIN.equals(split) ? "" : " or a flat " + split
                    + "/ with its ground-truth file"));
        }
        List<FileStatus> entries = visible(fs, dir);
        // an empty split needs no flat-val label files to say that it is empty
        boolean classDirs = TRAIN.equals(split) || entries.isEmpty() || entries.stream().anyMatch(FileStatus::isDirectory);
        SplitListing listing = classDirs ? listClassDirs(split, dir, entries) : listFlat(split, dir, entries);
        if (listing.unknownClassFiles() > 0) {
            LOG.warn("{}: {} file(s) of {} unknown class(es) were left out: {}", dir, listing.unknownClassFiles(),
                    listing.unknownClassIds().size(), listing.unknownClassIds());
        }
        if (listing.misplaced().total() > 0) {
            LOG.warn("{}: {} left out; first ones: {}", dir, listing.misplaced().summary(),
                    listing.misplaced().examples());
        }
        return listing;
    }

    private SplitListing listClassDirs(String split, Path dir, List<FileStatus> entries) throws IOException {
        List<LabeledImage> images = new ArrayList<>();
        TreeSet<String> unknownIds = new TreeSet<>();
        List<String> unknownExamples = new ArrayList<>();
        int unknownFiles = 0;
        int outside = 0;
        SkipTally misplaced = brokenLinks(dir, entries);
        for (FileStatus entry : entries) {
            if (!entry.isDirectory()) {
                outside++;
                misplaced = misplaced.plus(SkipTally.of(SkipReason.OUTSIDE_CLASS_FOLDER, entry.getPath().toString(),
                        "not in a class folder; move it into " + split + "/<class-id>/"));
                continue;
            }
            String classId = entry.getPath().getName();
            int label = classIndex(classId);
            List<FileStatus> children = visible(fs, entry.getPath());
            misplaced = misplaced.plus(brokenLinks(entry.getPath(), children));
            for (FileStatus child : children) {
                if (child.isDirectory()) {
                    misplaced = misplaced.plus(nestedFiles(child.getPath(), classId));
                } else if (label < 0) {
                    unknownFiles++;
                    unknownIds.add(classId);
                    addExample(unknownExamples, child.getPath().toString());
                } else {
                    images.add(new LabeledImage(child.getPath().toString(), label));
                }
            }
        }
        return new SplitListing(split, images, unknownFiles, unknownIds, outside, unknownExamples, misplaced);
    }

    /** Classes are one folder deep, so files further down are left out, and counted. */
    private SkipTally nestedFiles(Path folder, String classId) throws IOException {
        SkipTally nested = SkipTally.NONE;
        RemoteIterator<LocatedFileStatus> files = fs.listFiles(folder, true);
        while (files.hasNext()) {
            nested = nested.plus(SkipTally.of(SkipReason.NESTED_FOLDER, files.next().getPath().toString(),
                    "in a sub-folder of class " + classId + "; move it up into the class folder"));
        }
        return nested;
    }

    /**
     * The local file system's listStatus drops symbolic links whose target is missing without a word; they are found
     * by comparing with the folder's names. Other file systems list what they hold.
     */
    private SkipTally brokenLinks(Path folder, List<FileStatus> listed) throws IOException {
        if (!"file".equals(fs.getScheme())) {
            return SkipTally.NONE;
        }
        Set<String> seen = new HashSet<>();
        listed.forEach(status -> seen.add(status.getPath().getName()));
        SkipTally broken = SkipTally.NONE;
        java.nio.file.Path local = java.nio.file.Path.of(folder.toUri());
        try (var names = Files.list(local)) {
            for (java.nio.file.Path entry : names.sorted().toList()) {
                String name = entry.getFileName().toString();
                if (!seen.contains(name) && !hidden(name) && Files.isSymbolicLink(entry) && !Files.exists(entry)) {
                    broken = broken.plus(SkipTally.of(SkipReason.BROKEN_LINK, new Path(folder, name).toString(),
                            "symbolic link to missing " + Files.readSymbolicLink(entry)));
                }
            }
        }
        return broken;
    }

    private SplitListing listFlat(String split, Path dir, List<FileStatus> entries) throws IOException {
        Map<String, String> labels = flatLabels.get(split);
        if (labels == null) {
            labels = kind == ImageLayouts.Kind.KAGGLE
                    ? ImageNetLabelFiles.kaggleValLabels(fs, root)
                    : ImageNetLabelFiles.devkitValLabels(fs, root);
            flatLabels.put(split, labels);
        }
        List<LabeledImage> images = new ArrayList<>();
        TreeSet<String> unknownIds = new TreeSet<>();
        List<String> unknownExamples = new ArrayList<>();
        int unknownFiles = 0;
        for (FileStatus file : entries) {
            String name = file.getPath().getName();
            int dot = name.lastIndexOf('.');
            String classId = labels.get(dot > 0 ? name.substring(0, dot) : name);
            int label = classId == null ? -1 : classIndex(classId);
            if (label < 0) {
                unknownFiles++;
                unknownIds.add(classId == null ? "(no ground-truth label)" : classId);
                addExample(unknownExamples, file.getPath().toString());
            } else {
                images.add(new LabeledImage(file.getPath().toString(), label));
            }
        }
        // class id, then file name, like a class-directory listing
        images.sort(Comparator.comparing((LabeledImage image) -> classIds.get(image.label()))
                .thenComparing(LabeledImage::uri));
        return new SplitListing(split, images, unknownFiles, unknownIds, 0, unknownExamples, brokenLinks(dir, entries));
    }

    private static void addExample(List<String> examples, String uri) {
        if (examples.size() < SplitListing.EXAMPLES) {
            examples.add(uri);
        }
    }

    static boolean isDirectory(FileSystem fs, Path dir) throws IOException {
        return fs.exists(dir) && fs.getFileStatus(dir).isDirectory();
    }

    private static boolean hidden(String name) {
        return name.startsWith(".") || name.startsWith("_");
    }

    /** Entries of a directory sorted by name, without hidden/marker files. */
    private static List<FileStatus> visible(FileSystem fs, Path dir) throws IOException {
        return Arrays.stream(fs.listStatus(dir))
                .filter(s -> !hidden(s.getPath().getName()))
                .sorted(Comparator.comparing(s -> s.getPath().getName()))
                .toList();
    }
}
