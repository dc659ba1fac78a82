package io.attnspark.datasets.pack;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.function.Consumer;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.JavaSparkContext;

import io.attnspark.datasets.imagenet.ImageFolderLayout;
import io.attnspark.datasets.imagenet.ImageLayout;
import io.attnspark.datasets.imagenet.ImageLayouts;
import io.attnspark.datasets.imagenet.LabeledImage;
import io.attnspark.datasets.imagenet.SplitListing;

/**
 * The data a training run points at, checked before Spark starts: a packed dataset, or an image folder that is
 * listed now and packed once Spark runs, into a folder named after its content (so a changed folder gets a new pack).
 * Every problem is an {@link IllegalArgumentException} of one line that says what is wrong and how to fix it.
 */
public final class TrainingData {
    private static final List<String> SPLITS = List.of(ImageLayout.TRAIN, ImageLayout.VAL);

    private final String uri;
    private final PackedDataset packed;
    private final ImageFolderLayout layout;
    private final List<SplitListing> listings;

    private TrainingData(String uri, PackedDataset packed, ImageFolderLayout layout, List<SplitListing> listings) {
        this.uri = uri;
        this.packed = packed;
        this.layout = layout;
        this.listings = listings;
    }

    /** Opens and checks the data at {@code uri}: a dataset with train and val images of at least two classes. */
    public static TrainingData check(String uri, Configuration conf) throws IOException {
        Path path = new Path(uri);
        FileSystem fs = path.getFileSystem(conf);
        if (!fs.exists(path)) {
            throw new IllegalArgumentException(uri + " does not exist; convert a dataset first, e.g. attnspark datasets"
                    + " fashion-mnist --out " + uri);
        }
        if (fs.exists(new Path(path, PackedDataset.MANIFEST_NAME))) {
            return new TrainingData(uri, checkPacked(uri, PackedDataset.open(uri, conf)), null, null);
        }
        if (!fs.getFileStatus(path).isDirectory()
                || !(fs.exists(new Path(path, ImageLayout.TRAIN))
                || fs.exists(new Path(path, ImageLayouts.KAGGLE_DATA_DIR + "/" + ImageLayout.TRAIN)))) {
            throw new IllegalArgumentException(uri + " is not a dataset: it holds neither " + PackedDataset.MANIFEST_NAME
                    + " nor train/<class-id>/<image> (or " + ImageLayouts.KAGGLE_DATA_DIR + "/train/); point it at the"
                    + " dataset's root folder, or make one with attnspark datasets fashion-mnist --out DIR");
        }
        ImageFolderLayout layout;
        try {
            layout = ImageLayouts.open(uri, conf);
        } catch (IOException e) {
            // the layout's own messages name the missing folder or label file
            throw new IllegalArgumentException(e.getMessage(), e);
        }
        return checkFolder(uri, layout);
    }

    private static PackedDataset checkPacked(String uri, PackedDataset packed) {
        if (packed.numClasses() < 2) {
            throw new IllegalArgumentException(uri + " is a pack of " + packed.numClasses() + " class; a classifier needs"
                    + " at least 2: pack a dataset with two or more class folders");
        }
        for (String split : SPLITS) {
            if (!packed.hasSplit(split) || packed.imageCount(split) == 0) {
                throw new IllegalArgumentException(uri + " is a pack without " + split + " images; pack a dataset"
                        + " with train/ and val/ (attnspark datasets pack --splits train,val)");
            }
        }
        return packed;
    }

    private static TrainingData checkFolder(String uri, ImageFolderLayout layout) throws IOException {
        List<String> classes = layout.classIds();
        if (classes.size() < 2) {
            throw new IllegalArgumentException(uri + " has " + classes.size() + " class (" + String.join(", ", classes)
                    + "); a classifier needs at least 2: add a folder per class under train/");
        }
        if (!layout.hasSplit(ImageLayout.VAL)) {
            throw new IllegalArgumentException(uri + " has no val/ folder; the trainer reports accuracy on it: put"
                    + " validation images in val/<class-id>/<image>");
        }
        List<SplitListing> listings = new ArrayList<>();
        for (String split : SPLITS) {
            SplitListing listing = layout.list(split);
            int[] perClass = listing.imagesPerClass(classes.size());
            List<String> empty = new ArrayList<>();
            for (int c = 0; c < perClass.length; c++) {
                if (perClass[c] == 0) {
                    empty.add(split + "/" + classes.get(c));
                }
            }
            String skipped = listing.skipped().total() == 0 ? "" : " (" + listing.skipped().summary() + ")";
            if (listing.images().isEmpty()) {
                throw new IllegalArgumentException(uri + ": " + split + "/ holds no images" + skipped
                        + "; put them in " + split + "/<class-id>/<image>");
            }
            if (ImageLayout.TRAIN.equals(split) && !empty.isEmpty()) {
                throw new IllegalArgumentException(uri + ": " + empty.size() + " of " + classes.size()
                        + " class folders hold no images (" + String.join(", ", empty.subList(0, Math.min(3, empty.size())))
                        + (empty.size() > 3 ? ", ..." : "") + ")" + skipped + "; add images or remove the folders");
            }
            listings.add(listing);
        }
        return new TrainingData(uri, null, layout, List.copyOf(listings));
    }

    /** The packed dataset this points at, or null when {@link #openOrPack} has to pack it first. */
    public PackedDataset packed() {
        return packed;
    }

    public List<String> classIds() {
        return packed != null ? packed.classIds() : layout.classIds();
    }

    /** A short description of what was found, for the log. */
    public String describe() {
        return packed != null ? "packed dataset " + packed.uri() : layout.kind() + " image folder " + layout.rootUri();
    }

    /**
     * The folder under {@code packRoot} this image folder packs into: its name, a hash of its listing (class ids and
     * every image), the batch and the seed, e.g. {@code fashion-mnist-3fa2c1d0-b32-s1234}.
     */
    public String packUri(String packRoot, int batch, long seed) {
        String name = new Path(uri).getName().replaceAll("[^A-Za-z0-9._-]", "_");
        return packRoot.replaceAll("/+$", "") + "/" + (name.isEmpty() ? "data" : name) + "-" + contentHash()
                + "-b" + batch + "-s" + seed;
    }

    /**
     * The packed dataset: this one, or the image folder packed (or completed) with Spark into {@link #packUri}, telling
     * {@code progress} what it packs and, when done, the pack's summary.
     */
    public PackedDataset openOrPack(JavaSparkContext sc, Configuration conf, String packRoot, int batch, long seed,
                                    Consumer<String> progress) throws IOException {
        if (packed != null) {
            return packed;
        }
        progress.accept("packing " + describe() + " into " + packUri(packRoot, batch, seed));
        PackedDataset result = new ShardPacker(sc, conf).pack(layout.classIds(), listings,
                new PackSpec(packUri(packRoot, batch, seed), batch, seed));
        progress.accept(result.summary());
        return result;
    }

    /**
     * Only the validation split, for evaluation: this pack, or the folder's val/ packed into {@link #packUri} + "-val"
     * (a pack of its own, so that a later training run does not find a pack without train/ under its name).
     */
    public PackedDataset packValidation(JavaSparkContext sc, Configuration conf, String packRoot, int batch, long seed)
            throws IOException {
        if (packed != null) {
            return packed;
        }
        var val = listings.stream().filter(l -> l.split().equals(ImageLayout.VAL)).toList();
        return new ShardPacker(sc, conf).pack(layout.classIds(), val,
                new PackSpec(packUri(packRoot, batch, seed) + "-" + ImageLayout.VAL, batch, seed));
    }

    private String contentHash() {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            digest.update(layout.rootUri().getBytes(StandardCharsets.UTF_8));
            for (String classId : layout.classIds()) {
                digest.update(("\nclass " + classId).getBytes(StandardCharsets.UTF_8));
            }
            for (SplitListing listing : listings) {
                for (LabeledImage image : listing.images()) {
                    digest.update(("\n" + listing.split() + " " + image.label() + " " + image.uri())
                            .getBytes(StandardCharsets.UTF_8));
                }
            }
            return HexFormat.of().formatHex(digest.digest(), 0, 4);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java has SHA-256", e);
        }
    }
}
