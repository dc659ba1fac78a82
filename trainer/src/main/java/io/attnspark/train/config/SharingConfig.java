package io.attnspark.train.config;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;

import java.util.regex.Pattern;

/**
 * Gradient sharing ({@code spark.trainingMaster: sharing}, DL4J's SharedTrainingMaster): every worker sends its
 * threshold-encoded updates to the others through a controller on the driver, over Aeron UDP, instead of averaging
 * parameters every few minibatches.
 *
 * @param thresholdAlgorithm how the update threshold is chosen: adaptive (keeps the sparsity of the sent updates
 *                           between 1e-4 and 1e-2), fixed, or targetSparsity (aims at 1e-3)
 * @param threshold          the initial (adaptive, targetSparsity) or fixed threshold: update components smaller than
 *                           it stay in the worker's residual until they add up
 * @param port               UDP port of the controller on the driver
 * @param executorPort       UDP port each executor JVM binds on its own address (so one executor per host)
 * @param controllerAddress  IP address of the driver that the executors can reach; null: 127.0.0.1 for local masters,
 *                           else {@code spark.driver.host}
 * @param networkMask        the network (CIDR, e.g. 10.0.0.0/16) in which each executor finds its own address;
 *                           null: loopback, which only works when driver and executors share a machine
 * @param workersPerNode     model replicas trained per executor JVM; null: local[N] gives N, a cluster
 *                           {@code spark.executor.cores / spark.task.cpus}
 */
public record SharingConfig(ThresholdAlgorithm thresholdAlgorithm, double threshold, int port, int executorPort,
                            String controllerAddress, String networkMask, Integer workersPerNode) {

    public enum ThresholdAlgorithm { ADAPTIVE, FIXED, TARGETSPARSITY }

    private static final Pattern IPV4 = Pattern.compile("(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})");
    private static final Pattern CIDR = Pattern.compile("(\\d{1,3}\\.\\d{1,3}\\.\\d{1,3}\\.\\d{1,3})/(\\d{1,2})");

    public SharingConfig {
        if (thresholdAlgorithm == null) {
            throw new IllegalArgumentException("spark.sharing.thresholdAlgorithm: missing; use adaptive, fixed or targetSparsity");
        }
        Checks.positive(threshold, "spark.sharing.threshold");
        if (threshold >= 1) {
            throw new IllegalArgumentException("spark.sharing.threshold: " + threshold
                    + " would hold back almost every update; use a small value such as 1e-3");
        }
        checkPort(port, "spark.sharing.port", 40123);
        checkPort(executorPort, "spark.sharing.executorPort", 49876);
        if (controllerAddress != null && !isIpv4(controllerAddress)) {
            throw new IllegalArgumentException("spark.sharing.controllerAddress: '" + controllerAddress
                    + "' is not an IPv4 address; give the driver's IP that the executors can reach, e.g. 10.0.0.5");
        }
        if (networkMask != null) {
            var m = CIDR.matcher(networkMask);
            if (!m.matches() || !isIpv4(m.group(1)) || Integer.parseInt(m.group(2)) > 32) {
                throw new IllegalArgumentException("spark.sharing.networkMask: '" + networkMask
                        + "' is not a network in CIDR notation; use e.g. 10.0.0.0/16");
            }
        }
        if (workersPerNode != null) {
            Checks.atLeast(workersPerNode, 1, "spark.sharing.workersPerNode");
        }
    }

    @JsonCreator
    static SharingConfig fromJson(@JsonProperty("thresholdAlgorithm") ThresholdAlgorithm thresholdAlgorithm,
                                  @JsonProperty("threshold") Double threshold, @JsonProperty("port") Integer port,
                                  @JsonProperty("executorPort") Integer executorPort,
                                  @JsonProperty("controllerAddress") String controllerAddress,
                                  @JsonProperty("networkMask") String networkMask,
                                  @JsonProperty("workersPerNode") Integer workersPerNode) {
        return new SharingConfig(Checks.or(thresholdAlgorithm, ThresholdAlgorithm.ADAPTIVE), Checks.or(threshold, 1e-3),
                Checks.or(port, 40123), Checks.or(executorPort, 49876), controllerAddress, networkMask, workersPerNode);
    }

    static SharingConfig defaults() {
        return fromJson(null, null, null, null, null, null, null);
    }

    private static void checkPort(int port, String key, int example) {
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException(key + ": " + port + " is not a UDP port; use 1..65535, e.g. " + example);
        }
    }

    private static boolean isIpv4(String address) {
        var m = IPV4.matcher(address);
        if (!m.matches()) {
            return false;
        }
        for (int i = 1; i <= 4; i++) {
            if (Integer.parseInt(m.group(i)) > 255) {
                return false;
            }
        }
        return true;
    }
}
