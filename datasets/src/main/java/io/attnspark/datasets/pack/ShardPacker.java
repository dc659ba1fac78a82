package io.attnspark.datasets.pack;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.Serializable;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;

import org.apache.commons.io.IOUtils;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.datavec.spark.util.SerializableHadoopConfig;
import org.nd4j.common.loader.FileBatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.attnspark.datasets.imagenet.ImageLayout;
import io.attnspark.datasets.imagenet.LabeledImage;

/**
 * Packs labeled images into DL4J {@link FileBatch} zip shards of {@code batchSize} images, one Spark task per shard.
 * Raw file bytes are kept (augmentation stays random per epoch); each file's stored name is
 * {@code <class-id>/<file-name>}, so the label travels with the file whatever the source layout was.
 * Shards are written under a temp name and renamed, existing shards are skipped, and {@code pack.json} comes last.
 */
public final class ShardPacker {
    private static final Logger LOG = LoggerFactory.getLogger(ShardPacker.class);

    private final JavaSparkContext sc;
    private final Configuration conf;

    public ShardPacker(JavaSparkContext sc, Configuration conf) {
        this.sc = sc;
        this.conf = conf;
    }

    /** Packs the given splits (e.g. train and val) of a layout. */
    public PackedDataset pack(ImageLayout layout, List<String> splits, PackSpec spec) throws IOException {
        Map<String, List<LabeledImage>> bySplit = new LinkedHashMap<>();
        for (String split : splits) {
            bySplit.put(split, layout.list(split).images());
        }
        return pack(layout.classIds(), bySplit, spec);
    }

    /**
     * Packs each split's images; labels index {@code classIds}. Re-running with the same inputs completes an
     * interrupted pack; a destination packed differently is refused.
     */
    public PackedDataset pack(List<String> classIds, Map<String, List<LabeledImage>> imagesBySplit, PackSpec spec)
            throws IOException {
        Path given = new Path(spec.destinationUri());
        FileSystem fs = given.getFileSystem(conf);
        Path root = fs.makeQualified(given);

        Map<String, PackManifest.SplitCounts> counts = new LinkedHashMap<>();
        List<ShardTask> tasks = new ArrayList<>();
        for (Map.Entry<String, List<LabeledImage>> entry : imagesBySplit.entrySet()) {
            String split = entry.getKey();
            List<LabeledImage> shuffled = shuffled(entry.getValue(), spec.seed());
            int shards = 0;
            for (int from = 0; from < shuffled.size(); from += spec.batchSize()) {
                List<LabeledImage> members = shuffled.subList(from, Math.min(from + spec.batchSize(), shuffled.size()));
                tasks.add(shardTask(split, shards++, members, classIds));
            }
            counts.put(split, new PackManifest.SplitCounts(shuffled.size(), shards));
        }
        PackManifest intended = new PackManifest(PackManifest.FORMAT_VERSION, classIds, spec.batchSize(), spec.seed(),
                counts, Instant.now().toString());
        refuseDifferentPack(fs, root, intended);

        Broadcast<SerializableHadoopConfig> hadoopConf = sc.broadcast(new SerializableHadoopConfig(conf));
        String rootUri = root.toString();
        int numSlices = Math.max(1, tasks.size());
        List<Boolean> written = sc.parallelize(tasks, numSlices)
                .map(task -> writeShard(task, rootUri, hadoopConf.getValue().getConfiguration()))
                .collect();
        long fresh = written.stream().filter(Boolean::booleanValue).count();
        LOG.info("packed {} shard(s) into {} ({} new, {} already present)", tasks.size(), root, fresh,
                tasks.size() - fresh);

        writeAtomically(fs, new Path(root, PackedDataset.MANIFEST_NAME),
                PackedDataset.JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(intended));
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
            String uri = image.uri();
            String fileName = uri.substring(uri.lastIndexOf('/') + 1);
            sources.add(uri);
            names.add(classIds.get(image.label()) + "/" + fileName);
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
        }
        if (!existing.samePacking(intended)) {
            throw new IllegalStateException(root + " already holds a different packed dataset (batch size "
                    + existing.batchSize() + ", seed " + existing.seed() + ", splits " + existing.splits()
                    + "); choose another destination or delete it first");
        }
    }

    /** Runs on an executor. Returns true if the shard was written, false if it already existed. */
    private static boolean writeShard(ShardTask task, String rootUri, Configuration conf) throws IOException {
        Path target = PackedDataset.shardPath(new Path(rootUri), task.split(), task.index());
        FileSystem fs = target.getFileSystem(conf);
        if (fs.exists(target)) {
            return false;
        }
        List<byte[]> contents = new ArrayList<>(task.sources().size());
        for (String source : task.sources()) {
            Path path = new Path(source);
            try (InputStream in = path.getFileSystem(conf).open(path)) {
                contents.add(IOUtils.toByteArray(in));
            }
        }
        FileBatch batch = new FileBatch(contents, task.storedNames());
        Path temp = new Path(target.getParent(), "." + target.getName() + "." + UUID.randomUUID() + ".tmp");
        fs.mkdirs(target.getParent());
        try (FSDataOutputStream out = fs.create(temp, false)) {
            batch.writeAsZip(out);
        }
        if (!fs.rename(temp, target)) {
            fs.delete(temp, false);
            // a speculative or retried task may have won the race; only a missing target is an error
            if (!fs.exists(target)) {
                throw new IOException("could not rename " + temp + " to " + target);
            }
            return false;
        }
        return true;
    }

    /** HDFS rename does not overwrite, so the old manifest is removed just before the complete new one moves in. */
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

    /** One shard to write: the source URIs and the names stored in the zip, in order. */
    record ShardTask(String split, int index, List<String> sources, List<String> storedNames) implements Serializable {
        ShardTask {
            sources = new ArrayList<>(sources);
            storedNames = new ArrayList<>(storedNames);
        }
    }
}
