package io.attnspark.cli;

import io.attnspark.train.cluster.LoopbackCluster;
import io.attnspark.train.cluster.SparkHome;
import org.apache.spark.launcher.SparkLauncher;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.fail;

/**
 * An attnspark driver submitted to a {@link LoopbackCluster} through Spark's own SparkLauncher (client mode), with its
 * output in a log file: one executor core and 1 GB each, two cores in all, unless {@code conf} says otherwise.
 */
record ClusterDriver(Process process, Path logFile) {

    static final long TIMEOUT_MINUTES = 10;

    static ClusterDriver submit(Path root, SparkHome home, LoopbackCluster cluster, Path tmp, String logName,
                                Map<String, String> conf, String... appArgs) throws Exception {
        awaitNoExecutors(cluster);
        Path log = tmp.resolve(logName);
        String nativeCache = "-Dorg.bytedeco.javacpp.cachedir=" + root.resolve(".cache/javacpp");
        Path driverLogConfig = Path.of(ClusterDriver.class.getResource("/cluster-driver-log4j2.properties").toURI());
        String driverLog = "-Dlog4j2.configurationFile=" + driverLogConfig;
        var launcher = new SparkLauncher(new HashMap<>(cluster.environment()))
                .setSparkHome(home.dir().toString())
                .setMaster(cluster.masterUrl())
                .setDeployMode("client")
                .setAppResource(root.resolve("trainer/target/attnspark-trainer.jar").toString())
                .setMainClass(AttnSpark.class.getName())
                .setConf(SparkLauncher.DRIVER_MEMORY, "1g")
                .setConf(SparkLauncher.DRIVER_EXTRA_JAVA_OPTIONS, nativeCache + " " + driverLog + " -Djava.io.tmpdir=" + tmp)
                .setConf(SparkLauncher.EXECUTOR_MEMORY, "1g")
                .setConf(SparkLauncher.EXECUTOR_CORES, "1")
                .setConf(SparkLauncher.EXECUTOR_EXTRA_JAVA_OPTIONS, nativeCache)
                .setConf("spark.cores.max", "2")
                .setConf("spark.driver.host", LoopbackCluster.HOST);
        conf.forEach(launcher::setConf);
        Process process = launcher.addAppArgs(appArgs)
                .redirectOutput(log.toFile())
                .redirectError(ProcessBuilder.Redirect.appendTo(log.toFile()))
                .launch();
        return new ClusterDriver(process, log);
    }

    String log() throws IOException {
        return Files.exists(logFile) ? Files.readString(logFile) : "";
    }

    void kill() throws InterruptedException {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
        process.waitFor(30, TimeUnit.SECONDS);
    }

    /** Waits for the driver to end, running {@code whileRunning} every half second; fails after the timeout. */
    void awaitExit(Runnable whileRunning) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(TIMEOUT_MINUTES);
        while (!process.waitFor(500, TimeUnit.MILLISECONDS)) {
            whileRunning.run();
            if (System.nanoTime() > deadline) {
                kill();
                fail("the driver did not finish within " + TIMEOUT_MINUTES + " minutes\n" + log());
            }
        }
    }

    /** Executors of an earlier test's application may still be shutting down; counting them would blur this test's. */
    private static void awaitNoExecutors(LoopbackCluster cluster) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!cluster.executorPids().isEmpty()) {
            if (System.nanoTime() > deadline) {
                fail("executors of an earlier application are still running: " + cluster.executorPids());
            }
            Thread.sleep(200);
        }
    }
}
