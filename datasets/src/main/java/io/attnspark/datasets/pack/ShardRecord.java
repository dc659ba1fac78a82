package io.attnspark.datasets.pack;

import io.attnspark.datasets.skip.SkipTally;

/**
 * {@code shard-NNNNN.json}: the shard's image count, skipped files and SHA-256 (null for an empty slot, and in records
 * written before shards were digested); its presence marks the slot complete.
 */
record ShardRecord(int imageCount, SkipTally skipped, String digest) {
}
