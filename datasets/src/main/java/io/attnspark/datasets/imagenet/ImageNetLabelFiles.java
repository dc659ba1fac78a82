package io.attnspark.datasets.imagenet;

import java.io.BufferedReader;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/** Readers of the ImageNet label files that map flat validation images to wnids. */
public final class ImageNetLabelFiles {
    /** Devkit ground truth: line k holds the ILSVRC2012_ID (1..1000) of {@code ILSVRC2012_val_<k as %08d>.JPEG}. */
    public static final String DEVKIT_GROUND_TRUTH = "ILSVRC2012_validation_ground_truth.txt";
    /**
     * The devkit's synsets in ILSVRC2012_ID order, as text: line k = the wnid of ILSVRC2012_ID k, optionally followed
     * by whitespace and words. The devkit ships this order only inside {@code data/meta.mat} (MATLAB); convert it once:
     * {@value #SYNSETS_BY_ID_RECIPE}
     */
    public static final String SYNSETS_BY_ID = "ILSVRC2012_synsets_by_id.txt";
    static final String SYNSETS_BY_ID_RECIPE = "python3 -c \"import scipy.io; s = scipy.io.loadmat("
            + "'ILSVRC2012_devkit_t12/data/meta.mat')['synsets']; print('\\n'.join(f'{r[0][1][0]} {r[0][2][0]}' "
            + "for r in s if r[0][0][0][0] <= 1000))\" > " + SYNSETS_BY_ID;
    /** Where the devkit tarball puts its data files, relative to the dataset root. */
    public static final String DEVKIT_DATA_DIR = "ILSVRC2012_devkit_t12/data";
    /** Kaggle: {@code <wnid> <words>} per line (sorted by wnid). */
    public static final String KAGGLE_SYNSETS = "LOC_synset_mapping.txt";
    /** Kaggle: CSV {@code ImageId,PredictionString}; the first token of PredictionString is the wnid. */
    public static final String KAGGLE_VAL_SOLUTION = "LOC_val_solution.csv";

    /** ILSVRC2012_ID 1 in the devkit order: a list that starts elsewhere is not in that order. */
    private static final String DEVKIT_FIRST_WNID = "n02119789";
    private static final int ILSVRC_CLASSES = 1000;
    private static final Pattern WHITESPACE = Pattern.compile("\\s+");

    private ImageNetLabelFiles() {
    }

    /** Wnids, one per non-blank line (the first token), in file order. */
    public static List<String> readSynsets(FileSystem fs, Path file) throws IOException {
        List<String> wnids = new ArrayList<>();
        for (String line : lines(fs, file)) {
            if (!line.isBlank()) {
                wnids.add(WHITESPACE.split(line.strip(), 2)[0]);
            }
        }
        if (wnids.isEmpty()) {
            throw new IOException(file + " lists no synsets: expected one '<wnid> [words]' per line");
        }
        return wnids;
    }

    /**
     * The classic flat val labels: {@value #DEVKIT_GROUND_TRUTH} and {@value #SYNSETS_BY_ID}, each looked up in
     * {@code root} and then in {@code root/}{@value #DEVKIT_DATA_DIR}.
     *
     * @return file name without extension ({@code ILSVRC2012_val_00000001}) -> wnid
     */
    public static Map<String, String> devkitValLabels(FileSystem fs, Path root) throws IOException {
        Path truth = find(fs, root, DEVKIT_GROUND_TRUTH, "the flat val/ directory's labels (ILSVRC2012_IDs per image)");
        Path synsetFile = find(fs, root, SYNSETS_BY_ID, "the wnid of each ILSVRC2012_ID, which the flat val/ labels use;"
                + " make it from the devkit's meta.mat with: " + SYNSETS_BY_ID_RECIPE);
        List<String> byId = readSynsets(fs, synsetFile);
        if (byId.size() >= ILSVRC_CLASSES && !byId.get(0).equals(DEVKIT_FIRST_WNID)) {
            throw new IOException(synsetFile + " starts with " + byId.get(0) + ", but ILSVRC2012_ID 1 is "
                    + DEVKIT_FIRST_WNID + ": it is not in the devkit's ILSVRC2012_ID order (a sorted list such as "
                    + KAGGLE_SYNSETS + " would mislabel every val image); make it with: " + SYNSETS_BY_ID_RECIPE);
        }
        Map<String, String> labels = new HashMap<>();
        List<String> lines = lines(fs, truth);
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (line.isEmpty()) {
                continue;
            }
            int id;
            try {
                id = Integer.parseInt(line);
            } catch (NumberFormatException e) {
                throw new IOException(truth + " line " + (i + 1) + " is '" + line + "', expected an ILSVRC2012_ID", e);
            }
            if (id < 1 || id > byId.size()) {
                throw new IOException(truth + " line " + (i + 1) + " has ILSVRC2012_ID " + id + ", but " + synsetFile
                        + " lists " + byId.size() + " synsets");
            }
            labels.put(String.format("ILSVRC2012_val_%08d", i + 1), byId.get(id - 1));
        }
        return labels;
    }

    /**
     * The Kaggle val labels from {@code root/}{@value #KAGGLE_VAL_SOLUTION}.
     *
     * @return ImageId -> wnid
     */
    public static Map<String, String> kaggleValLabels(FileSystem fs, Path root) throws IOException {
        Path file = require(fs, new Path(root, KAGGLE_VAL_SOLUTION), "the Kaggle layout's val labels");
        Map<String, String> labels = new HashMap<>();
        List<String> lines = lines(fs, file);
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (line.isEmpty() || (i == 0 && line.startsWith("ImageId"))) {
                continue;
            }
            int comma = line.indexOf(',');
            String prediction = comma < 0 ? "" : line.substring(comma + 1).strip();
            if (comma <= 0 || prediction.isEmpty()) {
                throw new IOException(file + " line " + (i + 1) + " is '" + line
                        + "', expected ImageId,PredictionString with the wnid first");
            }
            labels.put(line.substring(0, comma), WHITESPACE.split(prediction, 2)[0]);
        }
        return labels;
    }

    /** The file, or a FileNotFoundException that names it and says what it is for. */
    static Path require(FileSystem fs, Path file, String purpose) throws IOException {
        if (!fs.exists(file)) {
            throw new FileNotFoundException("missing " + file + " (" + purpose + ")");
        }
        return file;
    }

    private static Path find(FileSystem fs, Path root, String name, String purpose) throws IOException {
        Path inRoot = new Path(root, name);
        if (fs.exists(inRoot)) {
            return inRoot;
        }
        Path inDevkit = new Path(new Path(root, DEVKIT_DATA_DIR), name);
        if (fs.exists(inDevkit)) {
            return inDevkit;
        }
        throw new FileNotFoundException("missing " + name + " in " + root + " or " + inDevkit.getParent() + " ("
                + purpose + ")");
    }

    private static List<String> lines(FileSystem fs, Path file) throws IOException {
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(fs.open(file), StandardCharsets.UTF_8))) {
            return reader.lines().toList();
        }
    }
}
