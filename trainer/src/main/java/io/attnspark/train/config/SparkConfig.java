package io.attnspark.train.config;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;

import java.util.Map;
import java.util.regex.Pattern;

/**
 * Spark and parameter averaging.
 *
 * @param master             null: spark-submit's master if there is one, else embedded {@code local[*]}
 * @param workers            training workers; null: derived from the cluster (local[N]: N)
 * @param batchSizePerWorker examples in a worker's minibatch; also the shard size of packs made for this run
 * @param averagingFrequency minibatches each worker fits between two parameter averagings
 * @param prefetch           minibatches a worker loads ahead of training
 * @param aggregationDepth   depth of the tree aggregation that sums the workers' parameters (2 = DL4J's default)
 * @param saveUpdater        average the updater state (momentum) too, not only the parameters
 * @param conf               extra Spark properties
 */
public record SparkConfig(String master, Integer workers, int batchSizePerWorker, int averagingFrequency,
                          int prefetch, int aggregationDepth, boolean saveUpdater, Map<String, String> conf) {

    private static final Pattern MASTER = Pattern.compile(
            "local(\\[(\\*|\\d+)(,\\d+)?])?|local-cluster\\[\\d+,\\d+,\\d+]|spark://.+|yarn|k8s://.+");

    public SparkConfig {
        if (master != null && !MASTER.matcher(master).matches()) {
            throw new IllegalArgumentException("spark.master: unknown master '" + master
                    + "'; use local[*], local[N], spark://HOST:PORT, yarn or k8s://https://HOST:PORT");
        }
        if (workers != null) {
            Checks.atLeast(workers, 1, "spark.workers");
        }
        Checks.atLeast(batchSizePerWorker, 1, "spark.batchSizePerWorker");
        Checks.atLeast(averagingFrequency, 1, "spark.averagingFrequency");
        Checks.atLeast(prefetch, 0, "spark.prefetch");
        Checks.atLeast(aggregationDepth, 1, "spark.aggregationDepth");
        conf = conf == null ? Map.of() : Map.copyOf(conf);
    }

    @JsonCreator
    static SparkConfig fromJson(@JsonProperty("master") String master, @JsonProperty("workers") Integer workers,
                                @JsonProperty("batchSizePerWorker") Integer batchSizePerWorker,
                                @JsonProperty("averagingFrequency") Integer averagingFrequency,
                                @JsonProperty("prefetch") Integer prefetch,
                                @JsonProperty("aggregationDepth") Integer aggregationDepth,
                                @JsonProperty("saveUpdater") Boolean saveUpdater, @JsonProperty("conf") Map<String, String> conf) {
        return new SparkConfig(master, workers, Checks.or(batchSizePerWorker, 32), Checks.or(averagingFrequency, 5),
                Checks.or(prefetch, 2), Checks.or(aggregationDepth, 2), Checks.or(saveUpdater, true), conf);
    }

    static SparkConfig defaults() {
        return fromJson(null, null, null, null, null, null, null, null);
    }

    /** Workers of a local master: local[N] gives N, local[*] and local give the cores of this machine. */
    public static int localThreads(String master, int cores) {
        var m = Pattern.compile("local\\[(\\d+)").matcher(master);
        return m.lookingAt() ? Integer.parseInt(m.group(1)) : master.startsWith("local[*") || master.equals("local") ? cores : -1;
    }
}
