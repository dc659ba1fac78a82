package io.attnspark.datasets.pack;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

import io.attnspark.datasets.image.ImageDownscale;
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
 * @param downscale the pack-time downscale (longest side kept, JPEG quality), or null when the files are stored as
 *                  they are (and in packs written before it existed)
 */
public record PackManifest(int formatVersion, List<String> classIds, int batchSize, long seed,
                           Map<String, SplitCounts> splits, String createdAt, ImageDownscale downscale) {
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
    }

    /** What differs between this packing plan and another (class ids, batch, seed, per-split slots); empty if none. */
    List<String> differencesFrom(PackManifest wanted) {
        List<String> differences = new ArrayList<>();
        if (formatVersion != wanted.formatVersion) {
            differences.add("format " + formatVersion + " there, " + wanted.formatVersion + " now");
        }
        if (!classIds.equals(wanted.classIds)) {
            List<String> gone = new ArrayList<>(classIds);
            gone.removeAll(wanted.classIds);
            List<String> added = new ArrayList<>(wanted.classIds);
            added.removeAll(classIds);
            differences.add(classIds.size() + " classes there, " + wanted.classIds.size() + " now"
                    + (gone.isEmpty() ? "" : ", no longer " + first(gone)) + (added.isEmpty() ? "" : ", new " + first(added)));
        }
        if (batchSize != wanted.batchSize) {
            differences.add("batch " + batchSize + " there, " + wanted.batchSize + " now");
        }
        if (seed != wanted.seed) {
            differences.add("seed " + seed + " there, " + wanted.seed + " now");
        }
        if (!Objects.equals(downscale, wanted.downscale)) {
            differences.add("images " + describe(downscale) + " there, " + describe(wanted.downscale) + " now");
        }
        if (!splits.keySet().equals(wanted.splits.keySet())) {
            differences.add("splits " + splits.keySet() + " there, " + wanted.splits.keySet() + " now");
        } else {
            splits.forEach((split, counts) -> {
                if (counts.listedCount != wanted.splits.get(split).listedCount) {
                    differences.add(split + " lists " + counts.listedCount + " images there, "
                            + wanted.splits.get(split).listedCount + " now");
                }
            });
        }
        return differences;
    }

    /** "stored as they are" or "downscaled to a longer side of at most 256 px (JPEG quality 90)". */
    static String describe(ImageDownscale downscale) {
        return downscale == null ? "stored as they are" : "downscaled to a longer side of at most " + downscale.maxSide()
                + " px (JPEG quality " + downscale.jpegQuality() + ")";
    }

    private static String first(List<String> ids) {
        return String.join(", ", ids.subList(0, Math.min(3, ids.size()))) + (ids.size() > 3 ? ", ..." : "");
    }
}
