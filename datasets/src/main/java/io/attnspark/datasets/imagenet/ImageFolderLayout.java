package io.attnspark.datasets.imagenet;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The classic ImageNet folder layout, {@code ROOT/train/<class-id>/*} and {@code ROOT/val/<class-id>/*}, read through
 * the Hadoop FileSystem API (file://, hdfs://, or a plain local path). Class index = sorted class ids of train/.
 * Names starting with '.' or '_' (checksums, _SUCCESS markers, temp files) are ignored.
 */
public final class ImageFolderLayout implements ImageLayout {
    private static final Logger LOG = LoggerFactory.getLogger(ImageFolderLayout.class);

    private final FileSystem fs;
    private final Path root;
    private final List<String> classIds;
    private final Map<String, Integer> classIndex;

    private ImageFolderLayout(FileSystem fs, Path root, List<String> classIds) {
        this.fs = fs;
        this.root = root;
        this.classIds = List.copyOf(classIds);
        this.classIndex = new HashMap<>();
        for (int i = 0; i < classIds.size(); i++) {
            classIndex.put(classIds.get(i), i);
        }
    }

    /** Opens the layout at {@code rootUri}; fails clearly when {@code train/} is missing or has no class directory. */
    public static ImageFolderLayout open(String rootUri, Configuration conf) throws IOException {
        Path given = new Path(rootUri);
        FileSystem fs = given.getFileSystem(conf);
        Path root = fs.makeQualified(given);
        Path train = new Path(root, TRAIN);
        if (!fs.exists(train) || !fs.getFileStatus(train).isDirectory()) {
            throw new FileNotFoundException("no " + TRAIN + "/ directory under " + root
                    + ": expected the ImageNet folder layout train/<class-id>/<image> (and optionally val/<class-id>/<image>)");
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
        return new ImageFolderLayout(fs, root, ids);
    }

    @Override
    public String rootUri() {
        return root.toString();
    }

    @Override
    public List<String> classIds() {
        return classIds;
    }

    /** The class index of a class id, or -1 if train/ does not have it. */
    public int classIndex(String classId) {
        return classIndex.getOrDefault(classId, -1);
    }

    @Override
    public boolean hasSplit(String split) throws IOException {
        Path dir = new Path(root, split);
        return fs.exists(dir) && fs.getFileStatus(dir).isDirectory();
    }

    @Override
    public SplitListing list(String split) throws IOException {
        Path dir = new Path(root, split);
        if (!hasSplit(split)) {
            throw new FileNotFoundException("no " + split + "/ directory under " + root
                    + ": expected " + split + "/<class-id>/<image>");
        }
        List<LabeledImage> images = new ArrayList<>();
        TreeSet<String> unknownIds = new TreeSet<>();
        int unknownFiles = 0;
        int outside = 0;
        for (FileStatus entry : visible(fs, dir)) {
            if (!entry.isDirectory()) {
                outside++;
                continue;
            }
            String classId = entry.getPath().getName();
            int label = classIndex(classId);
            List<FileStatus> files = visible(fs, entry.getPath()).stream().filter(FileStatus::isFile).toList();
            if (label < 0) {
                unknownIds.add(classId);
                unknownFiles += files.size();
                continue;
            }
            for (FileStatus file : files) {
                images.add(new LabeledImage(file.getPath().toString(), label));
            }
        }
        if (unknownFiles > 0 || !unknownIds.isEmpty()) {
            LOG.warn("{}: {} file(s) in {} class director(ies) that train/ does not have were left out: {}",
                    dir, unknownFiles, unknownIds.size(), unknownIds);
        }
        if (outside > 0) {
            LOG.warn("{}: {} file(s) directly under the split directory (not in a class directory) were left out",
                    dir, outside);
        }
        return new SplitListing(split, images, unknownFiles, unknownIds, outside);
    }

    /** Entries of a directory sorted by name, without hidden/marker files. */
    private static List<FileStatus> visible(FileSystem fs, Path dir) throws IOException {
        return Arrays.stream(fs.listStatus(dir))
                .filter(s -> !s.getPath().getName().startsWith(".") && !s.getPath().getName().startsWith("_"))
                .sorted(Comparator.comparing(s -> s.getPath().getName()))
                .toList();
    }
}
