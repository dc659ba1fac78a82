package io.attnspark.train.config;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;

import java.util.Map;
import java.util.regex.Pattern;

/**
 * Spark and the training master: parameter averaging (the default) or gradient sharing.
 *
 * @param master             null: spark-submit's master if there is one, else embedded {@code local[*]}
 * @param workers            training workers; null: derived from the cluster (local[N]: N)
 * @param batchSizePerWorker examples in a worker's minibatch; also the shard size of packs made for this run
 * @param averagingFrequency minibatches each worker fits between two parameter averagings
 * @param prefetch           minibatches a worker loads ahead of training
 * @param aggregationDepth   depth of the tree aggregation that sums the workers' parameters (2 = DL4J's default)
 * @param saveUpdater        average the updater state (momentum) too, not only the parameters
 * @param conf               extra Spark properties
 * @param trainingMaster     averaging: DL4J's ParameterAveragingTrainingMaster (averagingFrequency, aggregationDepth
 *                           and saveUpdater apply); sharing: its SharedTrainingMaster, set up by {@code sharing}
 * @param sharing            settings of gradient sharing; ignored with averaging
 */
public record SparkConfig(String master, Integer workers, int batchSizePerWorker, int averagingFrequency,
                          int prefetch, int aggregationDepth, boolean saveUpdater, Map<String, String> conf,
                          TrainingMaster trainingMaster, SharingConfig sharing) {

    public enum TrainingMaster { AVERAGING, SHARING }

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
        if (trainingMaster == null) {
            throw new IllegalArgumentException("spark.trainingMaster: missing; use averaging or sharing");
        }
        if (sharing == null) {
            throw new IllegalArgumentException("spark.sharing: missing; leave it out for the defaults");
        }
        if (master != null) {
            checkSharing(master, trainingMaster, sharing, conf);
        }
    }

    @JsonCreator
    static SparkConfig fromJson(@JsonProperty("master") String master, @JsonProperty("workers") Integer workers,
                                @JsonProperty("batchSizePerWorker") Integer batchSizePerWorker,
                                @JsonProperty("averagingFrequency") Integer averagingFrequency,
                                @JsonProperty("prefetch") Integer prefetch,
                                @JsonProperty("aggregationDepth") Integer aggregationDepth,
                                @JsonProperty("saveUpdater") Boolean saveUpdater, @JsonProperty("conf") Map<String, String> conf,
                                @JsonProperty("trainingMaster") TrainingMaster trainingMaster,
                                @JsonProperty("sharing") SharingConfig sharing) {
        return new SparkConfig(master, workers, Checks.or(batchSizePerWorker, 32), Checks.or(averagingFrequency, 5),
                Checks.or(prefetch, 2), Checks.or(aggregationDepth, 2), Checks.or(saveUpdater, true), conf,
                Checks.or(trainingMaster, TrainingMaster.AVERAGING), Checks.or(sharing, SharingConfig.defaults()));
    }

    static SparkConfig defaults() {
        return fromJson(null, null, null, null, null, null, null, null, null, null);
    }

    /**
     * Where the executors send gradient updates: {@code spark.sharing.controllerAddress}, else the configured driver
     * host, else loopback (a local master, where driver and workers are one JVM).
     */
    public String controllerAddress() {
        return controllerAddress(sharing, conf);
    }

    private static String controllerAddress(SharingConfig sharing, Map<String, String> conf) {
        if (sharing.controllerAddress() != null) {
            return sharing.controllerAddress();
        }
        return conf.getOrDefault("spark.driver.host", "127.0.0.1");
    }

    /**
     * With gradient sharing on a cluster, the executors must reach the driver's controller and know their own address.
     * Called at construction for a configured master and again by the trainer for spark-submit's.
     *
     * @throws IllegalArgumentException naming the missing key
     */
    public void checkSharingOn(String sparkMaster) {
        checkSharing(sparkMaster, trainingMaster, sharing, conf);
    }

    private static void checkSharing(String sparkMaster, TrainingMaster trainingMaster, SharingConfig sharing,
                                     Map<String, String> conf) {
        if (trainingMaster != TrainingMaster.SHARING || isLocal(sparkMaster)) {
            return;
        }
        if (sharing.controllerAddress() == null && !conf.containsKey("spark.driver.host")) {
            throw new IllegalArgumentException("spark.sharing.controllerAddress: missing; gradient sharing on " + sparkMaster
                    + " needs the driver's IP address that the executors can reach: set spark.sharing.controllerAddress"
                    + " (or spark.conf.spark.driver.host)");
        }
        if (sharing.networkMask() == null && !controllerAddress(sharing, conf).startsWith("127.")) {
            throw new IllegalArgumentException("spark.sharing.networkMask: missing; with gradient sharing on " + sparkMaster
                    + " each executor must find its own address in the cluster network: set e.g. 10.0.0.0/16");
        }
    }

    private static boolean isLocal(String master) {
        return master.startsWith("local") && !master.startsWith("local-cluster");
    }

    /** Workers of a local master: local[N] gives N, local[*] and local give the cores of this machine. */
    public static int localThreads(String master, int cores) {
        var m = Pattern.compile("local\\[(\\d+)").matcher(master);
        return m.lookingAt() ? Integer.parseInt(m.group(1)) : master.startsWith("local[*") || master.equals("local") ? cores : -1;
    }
}
