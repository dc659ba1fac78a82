package io.attnspark.datasets.pack;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import io.attnspark.datasets.skip.SkipTally;

/**
 * The content of {@code pack.json}: what a packed dataset holds. Written last by {@link ShardPacker}.
 *
 * @param formatVersion bumped when the shard or manifest format changes
 * @param classIds class ids in class-index order
 * @param batchSize images per shard slot (a shard holds fewer when the last slot is short or files were skipped)
 * @param seed the shuffle seed the shards were packed with
 * @param splits per split: counts, empty shard slots and skipped files
 * @param createdAt ISO-8601 instant the manifest was written
 */
public record PackManifest(int formatVersion, List<String> classIds, int batchSize, long seed,
                           Map<String, SplitCounts> splits, String createdAt) {
    public static final int FORMAT_VERSION = 2;

    public PackManifest {
        classIds = List.copyOf(classIds);
        splits = new TreeMap<>(splits);
    }

    /**
     * One split.
     *
     * @param listedCount images the layout listed with a known class (what the shard slots were planned from)
     * @param imageCount images in the shards (listed minus undecodable)
     * @param shardCount shard slots {@code shard-00000 .. shard-<shardCount-1>}
     * @param emptyShards slots whose every file was skipped, so no shard file exists for them
     * @param skipped files left out, per reason, including unknown-class files the layout did not list
     * @param shardDigests SHA-256 of each shard file in slot order, null for an empty slot; empty in packs written
     *                     before shards were digested (still readable, fingerprinted by their counts)
     */
    public record SplitCounts(int listedCount, int imageCount, int shardCount, List<Integer> emptyShards,
                              SkipTally skipped, List<String> shardDigests) {
        public SplitCounts {
            shardDigests = shardDigests == null ? List.of() : Collections.unmodifiableList(new ArrayList<>(shardDigests));
            // a format-1 manifest has neither; PackedDataset.open then refuses it by its version, not by a parse error
            emptyShards = emptyShards == null ? List.of() : List.copyOf(emptyShards);
            skipped = skipped == null ? SkipTally.NONE : skipped;
            if (imageCount > listedCount) {
                throw new IllegalArgumentException("image count " + imageCount + " exceeds the listed count " + listedCount);
            }
        }

        /** The part fixed before any file is read: a re-run must plan the same slots to reuse the shards. */
        boolean samePlan(SplitCounts other) {
            return listedCount == other.listedCount && shardCount == other.shardCount;
        }
    }

    /** True when both describe the same packing plan (class ids, batch, seed, per-split slots). */
    boolean samePacking(PackManifest other) {
        if (!(formatVersion == other.formatVersion && classIds.equals(other.classIds) && batchSize == other.batchSize
                && seed == other.seed && splits.keySet().equals(other.splits.keySet()))) {
            return false;
        }
        return splits.entrySet().stream().allMatch(e -> e.getValue().samePlan(other.splits.get(e.getKey())));
    }
}
