package io.attnspark.datasets.pack;

import io.attnspark.datasets.skip.SkipTally;
import java.io.Serializable;

/** What a shard task did, sent back to the driver. */
record ShardOutcome(String split, int index, boolean written, int imageCount, SkipTally skipped, String digest)
        implements Serializable {
}
