package io.attnspark.datasets.pack;

import java.util.SplittableRandom;

/**
 * The randomness of one shard's load (in-shard order, crops, flips): a function of the run's seed, the epoch and the
 * shard's name only, so a resumed run, another executor or another file system sees the same batches.
 */
final class LoadRandomness {

    private LoadRandomness() {
    }

    /** One shard's load seed: SplittableRandom's mixing (a bijection) chained over seed, epoch and shard name. */
    static long seed(long seed, int epoch, String shardPath) {
        long mixed = new SplittableRandom(seed).nextLong();
        mixed = new SplittableRandom(mixed + epoch).nextLong();
        return new SplittableRandom(mixed + shardName(shardPath).hashCode()).nextLong();
    }

    /** {@code train/shard-00003.zip} of any URI of that shard. */
    static String shardName(String path) {
        int last = path.lastIndexOf('/');
        int previous = last > 0 ? path.lastIndexOf('/', last - 1) : -1;
        return path.substring(previous + 1);
    }

    /** Fisher-Yates with the load's random source. */
    static void shuffle(int[] values, SplittableRandom rng) {
        for (int i = values.length - 1; i > 0; i--) {
            int j = rng.nextInt(i + 1);
            int swap = values[i];
            values[i] = values[j];
            values[j] = swap;
        }
    }
}
