package io.attnspark.datasets.pack;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.attnspark.datasets.skip.SkipTally;

/** A dataset packed by {@link ShardPacker}: {@code ROOT/pack.json} plus {@code ROOT/<split>/shard-NNNNN.zip}. */
public final class PackedDataset {
    public static final String MANIFEST_NAME = "pack.json";

    static final ObjectMapper JSON = new ObjectMapper();

    private final Path root;
    private final PackManifest manifest;

    private PackedDataset(Path root, PackManifest manifest) {
        this.root = root;
        this.manifest = manifest;
    }

    /** Reads {@code uri/pack.json}; fails clearly if the directory is not a (complete) packed dataset. */
    public static PackedDataset open(String uri, Configuration conf) throws IOException {
        Path given = new Path(uri);
        FileSystem fs = given.getFileSystem(conf);
        Path root = fs.makeQualified(given);
        Path manifestPath = new Path(root, MANIFEST_NAME);
        if (!fs.exists(manifestPath)) {
            throw new FileNotFoundException(root + " is not a packed dataset (no " + MANIFEST_NAME
                    + "; an interrupted pack writes it last): run attnspark datasets pack ... with this directory as destination");
        }
        PackManifest manifest;
        try (InputStream in = fs.open(manifestPath)) {
            manifest = JSON.readValue(in, PackManifest.class);
        } catch (IOException e) {
            throw new IOException("cannot read " + manifestPath + ": " + e.getMessage()
                    + "; re-run attnspark datasets pack ... to rewrite it", e);
        }
        if (manifest.formatVersion() != PackManifest.FORMAT_VERSION) {
            throw new IOException(manifestPath + " has format version " + manifest.formatVersion() + ", this build reads "
                    + PackManifest.FORMAT_VERSION + ": re-pack the dataset with this version");
        }
        return new PackedDataset(root, manifest);
    }

    /** The fully qualified root URI. */
    public String uri() {
        return root.toString();
    }

    public PackManifest manifest() {
        return manifest;
    }

    public List<String> classIds() {
        return manifest.classIds();
    }

    public int numClasses() {
        return manifest.classIds().size();
    }

    public int batchSize() {
        return manifest.batchSize();
    }

    public long seed() {
        return manifest.seed();
    }

    public Set<String> splits() {
        return manifest.splits().keySet();
    }

    public boolean hasSplit(String split) {
        return manifest.splits().containsKey(split);
    }

    /** Images in the split's shards. */
    public int imageCount(String split) {
        return counts(split).imageCount();
    }

    /** Shard files of the split (slots whose every file was skipped have none). */
    public int shardCount(String split) {
        return shardUris(split).size();
    }

    /** Files left out of the split, per reason, with the first few named. */
    public SkipTally skipped(String split) {
        return counts(split).skipped();
    }

    /** The split's shard URIs in shard order (sorted), fully qualified so Spark executors can open them. */
    public List<String> shardUris(String split) {
        PackManifest.SplitCounts counts = counts(split);
        Set<Integer> empty = Set.copyOf(counts.emptyShards());
        List<String> uris = new ArrayList<>(counts.shardCount());
        for (int i = 0; i < counts.shardCount(); i++) {
            if (!empty.contains(i)) {
                uris.add(shardPath(root, split, i).toString());
            }
        }
        return uris;
    }

    /**
     * A content fingerprint (SHA-256, hex) of what a run trains and validates on: class ids, batch, seed and per split
     * the image count, the shard slots and each shard's digest. The path is not part of it, so a copied pack keeps
     * its fingerprint. Packs written before shards were digested are fingerprinted by the rest.
     */
    public String fingerprint() {
        StringBuilder content = new StringBuilder("classes ").append(classIds()).append("\nbatch ").append(batchSize())
                .append("\nseed ").append(seed());
        if (manifest.downscale() != null) {
            // only then, so that packs of the files as they are keep the fingerprints they always had
            content.append("\nmax side ").append(manifest.downscale().maxSide()).append(" quality ")
                    .append(manifest.downscale().jpegQuality());
        }
        manifest.splits().forEach((split, counts) -> content.append('\n').append(split).append(' ')
                .append(counts.imageCount()).append(' ').append(counts.shardCount()).append(' ')
                .append(counts.emptyShards()).append(' ').append(counts.shardDigests()));
        return HexFormat.of().formatHex(sha256().digest(content.toString().getBytes(StandardCharsets.UTF_8)));
    }

    static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }

    /** One line per split: images, shards and skipped files by reason, then the first skipped files named. */
    public String summary() {
        StringBuilder text = new StringBuilder(uri()).append(" (batch ").append(batchSize()).append(", seed ")
                .append(seed()).append(", ").append(numClasses()).append(" classes, images ")
                .append(PackManifest.describe(manifest.downscale())).append(")\n");
        for (String split : splits()) {
            SkipTally skipped = skipped(split);
            text.append(String.format("  %-6s %,d images in %,d shards; %s%n", split, imageCount(split),
                    shardCount(split), skipped.summary()));
            for (String example : skipped.examples()) {
                text.append("           skipped ").append(example).append('\n');
            }
        }
        return text.toString();
    }

    private PackManifest.SplitCounts counts(String split) {
        PackManifest.SplitCounts counts = manifest.splits().get(split);
        if (counts == null) {
            throw new IllegalArgumentException("packed dataset " + root + " has no split '" + split + "'; it has "
                    + manifest.splits().keySet());
        }
        return counts;
    }

    static Path shardPath(Path root, String split, int index) {
        return new Path(new Path(root, split), String.format("shard-%05d.zip", index));
    }

    /** {@code shard-NNNNN.json} next to {@code shard-NNNNN.zip}. */
    static Path shardRecordPath(Path shard) {
        return new Path(shard.getParent(), shard.getName().replaceFirst("\\.zip$", ".json"));
    }
}
