package io.attnspark.datasets.pack;

import java.io.IOException;
import java.io.InputStream;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.IntStream;

import org.deeplearning4j.core.loader.DataSetLoader;
import org.nd4j.common.loader.FileBatch;
import org.nd4j.common.loader.Source;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.linalg.indexing.SpecifiedIndex;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.attnspark.datasets.image.Augmentation;
import io.attnspark.datasets.image.ImageDecodeException;
import io.attnspark.datasets.image.ImageTransform;
import io.attnspark.datasets.skip.SkipAccumulator;
import io.attnspark.datasets.skip.SkipReason;
import io.attnspark.datasets.skip.SkipTally;

/**
 * Loads one {@link ShardPacker} shard into a DataSet: features [n,3,size,size] float (NCHW, normalized), one-hot
 * labels [n,numClasses]. Shipped to Spark executors by {@code SparkComputationGraph.fitPaths} / {@code doEvaluation}.
 * Files that fail to decode or carry an unknown class id are skipped, logged (the first few per JVM) and counted:
 * per JVM ({@link #skippedFileCount()}) and, when the loader holds a {@link SkipAccumulator}, per reason on the driver.
 *
 * <p>Training loads put the shard's images in a fresh random order each time, so when a shard holds several worker
 * batches (pack batch = k x the trainer's batch; DL4J's worker re-batches what the loader returns) the minibatches are
 * composed differently every epoch, at no cost beyond the permutation. Evaluation loads keep the stored order.
 *
 * <p>A loader made with {@link #seeded} draws that order and every crop and flip from a seed derived from the run seed,
 * the epoch and the shard's name, so two runs with the same seed train on the same augmented batches, whichever worker
 * or thread loads a shard; an unseeded loader draws fresh randomness on every load.
 *
 * <p>The transforms follow the loader's {@link Augmentation}: ImageNet's unless {@link #augmented} chose another.
 */
public final class ImageShardLoader implements DataSetLoader {
    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(ImageShardLoader.class);
    /** Skipped files logged individually per JVM; later ones are only counted. */
    static final int LOGGED_SKIPS = 10;
    private static final AtomicLong SKIPPED = new AtomicLong();

    private final ArrayList<String> classIds;
    private final int imageSize;
    private final boolean train;
    /** Null: skips are only logged and counted per JVM. */
    private final SkipAccumulator skips;
    /** Null: fresh randomness per load. */
    private final Long seed;
    private final int epoch;
    private final Augmentation augmentation;
    private final int padding;
    private transient Map<String, Integer> classIndex;
    private transient ImageTransform transform;
    /** One image's floats per decoding thread: 600 KB at 224, too much garbage to allocate per image. */
    private transient ThreadLocal<float[]> imageBuffer;

    /**
     * @param classIds class ids in class-index order, as {@link PackedDataset#classIds()} gives them
     * @param imageSize output side length (e.g. 224)
     * @param train true: the augmentation's training transform, e.g. RandomResizedCrop + flip; false: its
     *        deterministic evaluation transform, e.g. resize + center crop
     */
    public ImageShardLoader(List<String> classIds, int imageSize, boolean train) {
        this(classIds, imageSize, train, null);
    }

    /**
     * @param skips registered on the driver ({@link SkipAccumulator#register}); Spark merges what every task skipped
     *        into it, readable with {@code skips.value()} after the job. Null: count per JVM only.
     */
    public ImageShardLoader(List<String> classIds, int imageSize, boolean train, SkipAccumulator skips) {
        this(classIds, imageSize, train, skips, null, 0, Augmentation.IMAGENET, 0);
    }

    private ImageShardLoader(List<String> classIds, int imageSize, boolean train, SkipAccumulator skips, Long seed,
                             int epoch, Augmentation augmentation, int padding) {
        if (classIds == null || classIds.isEmpty()) {
            throw new IllegalArgumentException("class ids must not be empty; pass PackedDataset.classIds()");
        }
        if (imageSize <= 0) {
            throw new IllegalArgumentException("image size must be > 0, got " + imageSize);
        }
        this.classIds = new ArrayList<>(classIds);
        this.imageSize = imageSize;
        this.train = train;
        this.skips = skips;
        this.seed = seed;
        this.epoch = epoch;
        this.augmentation = augmentation;
        this.padding = padding;
        // a bad combination fails here, on the driver, not in every task
        transform();
    }

    /**
     * This loader with reproducible augmentation: a shard's order, crops and flips depend only on {@code seed},
     * {@code epoch} and the shard's name (its last two path segments, so a pack read from another URI gives the same
     * batches).
     */
    public ImageShardLoader seeded(long seed, int epoch) {
        if (epoch < 0) {
            throw new IllegalArgumentException("epoch must be >= 0, got " + epoch);
        }
        return new ImageShardLoader(classIds, imageSize, train, skips, seed, epoch, augmentation, padding);
    }

    /**
     * This loader with another augmentation (training) and its matching evaluation transform.
     *
     * @param padding pixels added on each side before a {@link Augmentation#PAD_CROP} crop; ignored by the others
     */
    public ImageShardLoader augmented(Augmentation augmentation, int padding) {
        return new ImageShardLoader(classIds, imageSize, train, skips, seed, epoch, augmentation, padding);
    }

    /** Files skipped (undecodable or unknown class) by loaders in this JVM since it started. */
    public static long skippedFileCount() {
        return SKIPPED.get();
    }

    public List<String> classIds() {
        return List.copyOf(classIds);
    }

    public int imageSize() {
        return imageSize;
    }

    public boolean train() {
        return train;
    }

    public Augmentation augmentation() {
        return augmentation;
    }

    /**
     * If every file of a shard is bad this throws an IOException instead of returning an empty DataSet: DL4J's Spark
     * workers (IteratorDataSetIterator) read {@code getFeatures().size(1)} of the first DataSet and fit whatever they
     * get, so an empty DataSet fails later with an unexplained NullPointerException.
     */
    @Override
    @SuppressWarnings("try") // the workspace scopes are used only for their side effect
    public DataSet load(Source source) throws IOException {
        FileBatch batch;
        try (InputStream in = source.getInputStream()) {
            batch = FileBatch.readFromZip(in);
        } catch (IOException | RuntimeException e) {
            throw new IOException("cannot read shard " + source.getPath() + " as a FileBatch zip: " + e.getMessage()
                    + "; re-pack the dataset", e);
        }
        List<byte[]> files = batch.getFileBytes();
        List<String> names = batch.getOriginalUris();
        int n = files.size();
        int chw = 3 * imageSize * imageSize;
        ImageTransform transform = transform();
        Map<String, Integer> index = classIndex();
        ThreadLocal<float[]> buffers = imageBuffer();

        int[] labels = new int[n];
        boolean[] ok = new boolean[n];
        SplittableRandom root = seed == null ? new SplittableRandom() : new SplittableRandom(LoadRandomness.seed(seed, epoch, source.getPath()));
        SplittableRandom[] rngs = new SplittableRandom[n];
        for (int i = 0; i < n; i++) {
            rngs[i] = root.split();
        }
        // file i goes to row rows[i]
        int[] rows = IntStream.range(0, n).toArray();
        if (train) {
            LoadRandomness.shuffle(rows, root);
        }

        INDArray features;
        try (MemoryWorkspace ignored = Nd4j.getWorkspaceManager().scopeOutOfWorkspaces()) {
            features = Nd4j.createUninitialized(DataType.FLOAT, n, 3, imageSize, imageSize);
        }
        // absolute puts into disjoint ranges of one direct buffer are safe from several threads
        FloatBuffer target = features.data().asNioFloat();
        // decode + augment in parallel on the common fork-join pool, which is sized from the available cores
        IntStream.range(0, n).parallel().forEach(i -> {
            String name = names.get(i);
            int row = rows[i];
            Integer label = index.get(ShardEntryName.classIdOf(name));
            if (label == null) {
                skip(source, name, SkipReason.UNKNOWN_CLASS, "class id '" + ShardEntryName.classIdOf(name) + "' is not one of the "
                        + classIds.size() + " known classes");
                return;
            }
            try {
                float[] out = buffers.get();
                transform.decodeAndApply(files.get(i), name, rngs[i], out, 0);
                target.put(row * chw, out);
                labels[row] = label;
                ok[row] = true;
            } catch (ImageDecodeException e) {
                skip(source, name, e.reason(), e.detail());
            } catch (RuntimeException e) {
                skip(source, name, SkipReason.TRANSFORM_FAILED, "transform failed: " + e);
            }
        });

        List<Integer> kept = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            if (ok[i]) {
                kept.add(i);
            }
        }
        if (kept.isEmpty()) {
            throw new IOException("all " + n + " file(s) of shard " + source.getPath()
                    + " were skipped (undecodable or unknown class); see the WARN log, then re-pack or remove the shard");
        }
        try (MemoryWorkspace ignored = Nd4j.getWorkspaceManager().scopeOutOfWorkspaces()) {
            if (kept.size() < n) {
                long[] keptRows = kept.stream().mapToLong(Integer::longValue).toArray();
                features = features.get(new SpecifiedIndex(keptRows), NDArrayIndex.all(), NDArrayIndex.all(),
                        NDArrayIndex.all()).dup('c');
            }
            INDArray oneHot = Nd4j.zeros(DataType.FLOAT, kept.size(), classIds.size());
            for (int row = 0; row < kept.size(); row++) {
                oneHot.putScalar(row, labels[kept.get(row)], 1.0f);
            }
            return new DataSet(features, oneHot);
        }
    }

    private void skip(Source source, String name, SkipReason why, String reason) {
        if (skips != null) {
            skips.add(SkipTally.of(why, source.getPath() + "!" + name, reason));
        }
        long count = SKIPPED.incrementAndGet();
        if (count <= LOGGED_SKIPS) {
            LOG.warn("skipped {} in shard {}: {}", name, source.getPath(), reason);
        }
        if (count == LOGGED_SKIPS) {
            LOG.warn("{} files skipped; further skips in this JVM are only counted (ImageShardLoader.skippedFileCount())",
                    LOGGED_SKIPS);
        } else if (count > LOGGED_SKIPS && isPowerOfTen(count)) {
            LOG.warn("{} files skipped so far in this JVM", count);
        }
    }

    private static boolean isPowerOfTen(long value) {
        long power = 1;
        while (power < value) {
            power *= 10;
        }
        return power == value;
    }

    private ImageTransform transform() {
        if (transform == null) {
            transform = train ? augmentation.train(imageSize, padding) : augmentation.eval(imageSize);
        }
        return transform;
    }

    private ThreadLocal<float[]> imageBuffer() {
        if (imageBuffer == null) {
            int chw = 3 * imageSize * imageSize;
            imageBuffer = ThreadLocal.withInitial(() -> new float[chw]);
        }
        return imageBuffer;
    }

    private Map<String, Integer> classIndex() {
        if (classIndex == null) {
            Map<String, Integer> map = new HashMap<>();
            for (int i = 0; i < classIds.size(); i++) {
                map.put(classIds.get(i), i);
            }
            classIndex = map;
        }
        return classIndex;
    }
}
