package io.attnspark.datasets.pack;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.UUID;

import org.apache.commons.io.IOUtils;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.datavec.spark.util.SerializableHadoopConfig;
import org.nd4j.common.loader.FileBatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.attnspark.datasets.image.ImageDecodeException;
import io.attnspark.datasets.image.ImageDecoder;
import io.attnspark.datasets.image.ImageDownscale;
import io.attnspark.datasets.imagenet.ImageLayout;
import io.attnspark.datasets.imagenet.LabeledImage;
import io.attnspark.datasets.imagenet.SplitListing;
import io.attnspark.datasets.skip.SkipTally;

/**
 * Packs labeled images into DL4J {@link FileBatch} zip shards of up to {@code batchSize} images, one Spark task per
 * shard. Raw file bytes are kept (augmentation stays random per epoch); each file's stored name is
 * {@code <class-id>/<file-name>}, so the label travels with the file whatever the source layout was.
 *
 * <p>With {@link PackSpec#checkImages()} each task decodes its files and leaves out the undecodable ones; the skips
 * come back to the driver with the task results and go into {@code pack.json} per split and reason, together with the
 * unknown-class files the layout left out.
 *
 * <p>Re-runs: a shard slot is complete once its small {@code shard-NNNNN.json} record exists (and, unless every file
 * was skipped, its shard); the record is written after the shard, so a half-written or interrupted shard is rewritten
 * and a complete one is kept as is. Shards are
 * written under a temp name and renamed; {@code pack.json} comes last.
 */
public final class ShardPacker {
    private static final Logger LOG = LoggerFactory.getLogger(ShardPacker.class);

    private final JavaSparkContext sc;
    private final Configuration conf;

    public ShardPacker(JavaSparkContext sc, Configuration conf) {
        this.sc = sc;
        this.conf = conf;
    }

    /** Packs the given splits (e.g. train and val) of a layout; its unknown-class files are recorded as skipped. */
    public PackedDataset pack(ImageLayout layout, List<String> splits, PackSpec spec) throws IOException {
        List<SplitListing> listings = new ArrayList<>();
        for (String split : splits) {
            listings.add(layout.list(split));
        }
        return pack(layout.classIds(), listings, spec);
    }

    /** Packs listed splits; the files each listing left out are recorded as skipped. */
    public PackedDataset pack(List<String> classIds, List<SplitListing> listings, PackSpec spec) throws IOException {
        Map<String, List<LabeledImage>> bySplit = new LinkedHashMap<>();
        Map<String, SkipTally> listingSkips = new LinkedHashMap<>();
        for (SplitListing listing : listings) {
            bySplit.put(listing.split(), listing.images());
            listingSkips.put(listing.split(), listing.skipped());
        }
        return pack(classIds, bySplit, listingSkips, spec);
    }

    /**
     * Packs each split's images; labels index {@code classIds}. Re-running with the same inputs completes an
     * interrupted pack; a destination packed differently is refused.
     */
    public PackedDataset pack(List<String> classIds, Map<String, List<LabeledImage>> imagesBySplit, PackSpec spec)
            throws IOException {
        return pack(classIds, imagesBySplit, Map.of(), spec);
    }

    private PackedDataset pack(List<String> classIds, Map<String, List<LabeledImage>> imagesBySplit,
                               Map<String, SkipTally> listingSkips, PackSpec spec) throws IOException {
        Path given = new Path(spec.destinationUri());
        FileSystem fs = given.getFileSystem(conf);
        Path root = fs.makeQualified(given);

        Map<String, PackManifest.SplitCounts> planned = new LinkedHashMap<>();
        List<ShardTask> tasks = new ArrayList<>();
        for (Map.Entry<String, List<LabeledImage>> entry : imagesBySplit.entrySet()) {
            String split = entry.getKey();
            List<LabeledImage> shuffled = shuffled(entry.getValue(), spec.seed());
            int shards = 0;
            for (int from = 0; from < shuffled.size(); from += spec.batchSize()) {
                List<LabeledImage> members = shuffled.subList(from, Math.min(from + spec.batchSize(), shuffled.size()));
                tasks.add(shardTask(split, shards++, members, classIds));
            }
            planned.put(split, new PackManifest.SplitCounts(shuffled.size(), shuffled.size(), shards, List.of(),
                    SkipTally.NONE, List.of()));
        }
        refuseDifferentPack(fs, root, new PackManifest(PackManifest.FORMAT_VERSION, classIds, spec.batchSize(),
                spec.seed(), planned, Instant.now().toString(), spec.downscale()));
        deleteLeftovers(fs, root, planned.keySet());

        Broadcast<SerializableHadoopConfig> hadoopConf = sc.broadcast(new SerializableHadoopConfig(conf));
        String rootUri = root.toString();
        boolean check = spec.checkImages();
        ImageDownscale downscale = spec.downscale();
        int numSlices = Math.max(1, tasks.size());
        List<ShardOutcome> outcomes = sc.parallelize(tasks, numSlices)
                .map(task -> writeShard(task, rootUri, check, downscale, hadoopConf.getValue().getConfiguration()))
                .collect();

        Map<String, PackManifest.SplitCounts> counts = new LinkedHashMap<>();
        for (Map.Entry<String, PackManifest.SplitCounts> plan : planned.entrySet()) {
            String split = plan.getKey();
            int images = 0;
            List<Integer> empty = new ArrayList<>();
            List<String> digests = new ArrayList<>();
            SkipTally skipped = listingSkips.getOrDefault(split, SkipTally.NONE);
            // outcomes come back in task order, so examples are deterministic
            for (ShardOutcome outcome : outcomes) {
                if (outcome.split().equals(split)) {
                    images += outcome.imageCount();
                    digests.add(outcome.digest());
                    skipped = skipped.plus(outcome.skipped());
                    if (outcome.imageCount() == 0) {
                        empty.add(outcome.index());
                    }
                }
            }
            counts.put(split, new PackManifest.SplitCounts(plan.getValue().listedCount(), images,
                    plan.getValue().shardCount(), empty, skipped, digests));
            if (skipped.total() > 0) {
                LOG.warn("{}: {}; first ones: {}", split, skipped.summary(), skipped.examples());
            }
        }
        long fresh = outcomes.stream().filter(ShardOutcome::written).count();
        LOG.info("packed {} shard slot(s) into {} ({} new, {} already complete)", tasks.size(), root, fresh,
                tasks.size() - fresh);

        PackManifest manifest = new PackManifest(PackManifest.FORMAT_VERSION, classIds, spec.batchSize(), spec.seed(),
                counts, Instant.now().toString(), spec.downscale());
        writeAtomically(fs, new Path(root, PackedDataset.MANIFEST_NAME),
                PackedDataset.JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(manifest));
        return PackedDataset.open(rootUri, conf);
    }

    /** Sorted first so the result depends only on the set of images and the seed, not on the listing order. */
    static List<LabeledImage> shuffled(List<LabeledImage> images, long seed) {
        List<LabeledImage> list = new ArrayList<>(images);
        list.sort(Comparator.comparing(LabeledImage::uri));
        Collections.shuffle(list, new Random(seed));
        return list;
    }

    private static ShardTask shardTask(String split, int index, List<LabeledImage> members, List<String> classIds) {
        List<String> sources = new ArrayList<>(members.size());
        List<String> names = new ArrayList<>(members.size());
        for (LabeledImage image : members) {
            if (image.label() >= classIds.size()) {
                throw new IllegalArgumentException(image.uri() + " has label " + image.label() + " but there are only "
                        + classIds.size() + " class ids");
            }
            sources.add(image.uri());
            names.add(ShardEntryName.of(classIds.get(image.label()), image.uri()));
        }
        return new ShardTask(split, index, sources, names);
    }

    /** A destination that already holds a different packing must not be silently mixed with this one. */
    private static void refuseDifferentPack(FileSystem fs, Path root, PackManifest intended) throws IOException {
        Path manifestPath = new Path(root, PackedDataset.MANIFEST_NAME);
        if (!fs.exists(manifestPath)) {
            return;
        }
        PackManifest existing;
        try (InputStream in = fs.open(manifestPath)) {
            existing = PackedDataset.JSON.readValue(in, PackManifest.class);
        } catch (IOException e) {
            throw new IllegalStateException(root + " holds a " + PackedDataset.MANIFEST_NAME
                    + " this version cannot read (" + e.getMessage() + "); choose another destination or delete it first", e);
        }
        List<String> differences = existing.differencesFrom(intended);
        if (!differences.isEmpty()) {
            throw new IllegalStateException(root + " already holds a different packed dataset: "
                    + String.join("; ", differences) + "; delete it (rm -r, or hadoop fs -rm -r) or pack elsewhere");
        }
    }

    /** Shards and records a killed pack left under their temp names; a complete slot never has one. */
    private static void deleteLeftovers(FileSystem fs, Path root, Set<String> splits) throws IOException {
        List<Path> folders = new ArrayList<>(List.of(root));
        splits.forEach(split -> folders.add(new Path(root, split)));
        int deleted = 0;
        for (Path folder : folders) {
            if (!fs.exists(folder)) {
                continue;
            }
            for (FileStatus status : fs.listStatus(folder, p -> p.getName().startsWith(".") && p.getName().endsWith(".tmp"))) {
                if (status.isFile() && fs.delete(status.getPath(), false)) {
                    deleted++;
                }
            }
        }
        if (deleted > 0) {
            LOG.info("deleted {} temporary file(s) an interrupted pack left in {}", deleted, root);
        }
    }

    /**
     * Runs on an executor: writes the shard and then its record, or reads the record of a complete one. With a
     * downscale, large images are stored shrunk; one that cannot be decoded for it is skipped like a failed check.
     */
    private static ShardOutcome writeShard(ShardTask task, String rootUri, boolean check, ImageDownscale downscale,
                                           Configuration conf) throws IOException {
        Path target = PackedDataset.shardPath(new Path(rootUri), task.split(), task.index());
        Path recordPath = PackedDataset.shardRecordPath(target);
        FileSystem fs = target.getFileSystem(conf);
        if (fs.exists(recordPath)) {
            ShardRecord record;
            try (InputStream in = fs.open(recordPath)) {
                record = PackedDataset.JSON.readValue(in, ShardRecord.class);
            }
            // a record whose shard was deleted since is not complete any more
            if (record.imageCount() == 0 || fs.exists(target)) {
                return new ShardOutcome(task.split(), task.index(), false, record.imageCount(), record.skipped(),
                        record.digest());
            }
        }
        List<byte[]> contents = new ArrayList<>(task.sources().size());
        List<String> names = new ArrayList<>(task.sources().size());
        SkipTally skipped = SkipTally.NONE;
        for (int i = 0; i < task.sources().size(); i++) {
            Path path = new Path(task.sources().get(i));
            byte[] bytes;
            try (InputStream in = path.getFileSystem(conf).open(path)) {
                bytes = IOUtils.toByteArray(in);
            }
            try {
                if (check) {
                    ImageDecoder.check(bytes, path.toString());
                }
                if (downscale != null) {
                    bytes = downscale.apply(bytes, path.toString());
                }
            } catch (ImageDecodeException e) {
                skipped = skipped.plus(SkipTally.of(e.reason(), path.toString(), e.detail()));
                continue;
            }
            contents.add(bytes);
            names.add(task.storedNames().get(i));
        }
        fs.mkdirs(target.getParent());
        // a shard without its record is a leftover of an interrupted run
        fs.delete(target, false);
        String digest = null;
        if (!contents.isEmpty()) {
            Path temp = new Path(target.getParent(), "." + target.getName() + "." + UUID.randomUUID() + ".tmp");
            MessageDigest sha256 = PackedDataset.sha256();
            try (FSDataOutputStream out = fs.create(temp, false)) {
                ShardZip.write(new FileBatch(contents, names), new DigestOutputStream(out, sha256));
            }
            digest = HexFormat.of().formatHex(sha256.digest());
            if (!fs.rename(temp, target)) {
                fs.delete(temp, false);
                throw new IOException("could not rename " + temp + " to " + target);
            }
        }
        writeAtomically(fs, recordPath, PackedDataset.JSON.writeValueAsBytes(
                new ShardRecord(contents.size(), skipped, digest)));
        return new ShardOutcome(task.split(), task.index(), true, contents.size(), skipped, digest);
    }

    /** HDFS rename does not overwrite, so the old file is removed just before the complete new one moves in. */
    private static void writeAtomically(FileSystem fs, Path target, byte[] content) throws IOException {
        Path temp = new Path(target.getParent(), "." + target.getName() + "." + UUID.randomUUID() + ".tmp");
        try (OutputStream out = fs.create(temp, false)) {
            out.write(content);
        }
        fs.delete(target, false);
        if (!fs.rename(temp, target)) {
            fs.delete(temp, false);
            throw new IOException("could not rename " + temp + " to " + target);
        }
    }
}
