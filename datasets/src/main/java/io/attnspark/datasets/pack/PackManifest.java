package io.attnspark.datasets.pack;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The content of {@code pack.json}: what a packed dataset holds. Written last by {@link ShardPacker}.
 *
 * @param formatVersion bumped when the shard or manifest format changes
 * @param classIds class ids in class-index order
 * @param batchSize images per shard (the last shard of a split may hold fewer)
 * @param seed the shuffle seed the shards were packed with
 * @param splits per split: image and shard counts
 * @param createdAt ISO-8601 instant the manifest was written
 */
public record PackManifest(int formatVersion, List<String> classIds, int batchSize, long seed,
                           Map<String, SplitCounts> splits, String createdAt) {
    public static final int FORMAT_VERSION = 1;

    public PackManifest {
        classIds = List.copyOf(classIds);
        splits = new TreeMap<>(splits);
    }

    /** Image and shard counts of one split. */
    public record SplitCounts(int imageCount, int shardCount) {
    }

    /** True when both describe the same packing (everything but the creation time). */
    boolean samePacking(PackManifest other) {
        return formatVersion == other.formatVersion && classIds.equals(other.classIds)
                && batchSize == other.batchSize && seed == other.seed && splits.equals(other.splits);
    }
}
