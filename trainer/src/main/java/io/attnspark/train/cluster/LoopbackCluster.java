package io.attnspark.train.cluster;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/**
 * A real Spark standalone cluster on 127.0.0.1: one Master and N Worker JVMs, each Worker starting executor JVMs.
 * It runs from a SPARK_HOME assembled from Maven jars ({@link SparkHome}), since no Spark distribution is needed.
 */
public final class LoopbackCluster implements AutoCloseable {

    public static final String HOST = "127.0.0.1";
    private static final Duration START_TIMEOUT = Duration.ofSeconds(90);

    private final SparkHome sparkHome;
    private final Path logDir;
    private final List<Process> daemons = new ArrayList<>();
    private String masterUrl;

    private LoopbackCluster(SparkHome sparkHome, Path logDir) {
        this.sparkHome = sparkHome;
        this.logDir = logDir;
    }

    /**
     * Starts a Master and {@code workers} Workers, each offering {@code coresPerWorker} cores and {@code memoryPerWorker}
     * (Spark's notation, e.g. {@code 3g}); returns once every Worker has registered.
     */
    public static LoopbackCluster start(SparkHome sparkHome, Path logDir, int workers, int coresPerWorker,
                                        String memoryPerWorker) throws IOException {
        return start(sparkHome, logDir, workers, coresPerWorker, memoryPerWorker, Map.of());
    }

    /**
     * As {@link #start(SparkHome, Path, int, int, String)}, every Worker also reading {@code workerConf}, e.g. its GPUs
     * ({@code spark.worker.resource.gpu.amount} and {@code .discoveryScript}).
     */
    public static LoopbackCluster start(SparkHome sparkHome, Path logDir, int workers, int coresPerWorker,
                                        String memoryPerWorker, Map<String, String> workerConf) throws IOException {
        Files.createDirectories(logDir);
        var cluster = new LoopbackCluster(sparkHome, logDir);
        try {
            cluster.startMaster();
            Path propertiesFile = logDir.resolve("worker.conf");
            var properties = new Properties();
            properties.putAll(workerConf);
            try (var out = Files.newBufferedWriter(propertiesFile)) {
                properties.store(out, "Spark Worker properties");
            }
            for (int i = 0; i < workers; i++) {
                cluster.startWorker(i, coresPerWorker, memoryPerWorker, propertiesFile);
            }
            return cluster;
        } catch (IOException | RuntimeException e) {
            cluster.close();
            throw e;
        }
    }

    public String masterUrl() {
        return masterUrl;
    }

    /** The environment a driver submitted to this cluster needs, so that it too stays on loopback. */
    public Map<String, String> environment() {
        return sparkHome.environment();
    }

    /**
     * PIDs of the executor JVMs currently running on this cluster's Workers. While an executor starts, its spark-class
     * script, a subshell of it and Spark's launcher JVM carry the executor's arguments too; only the executor JVM counts.
     */
    public List<Long> executorPids() {
        return daemons.stream().flatMap(Process::descendants)
                .filter(p -> p.info().command().filter(command -> command.endsWith("/java")).isPresent()
                        && p.info().commandLine().filter(line -> line.contains("CoarseGrainedExecutorBackend")
                        && !line.contains("org.apache.spark.launcher.Main")).isPresent())
                .map(ProcessHandle::pid).toList();
    }

    private void startMaster() throws IOException {
        int port = freePort();
        Path log = logDir.resolve("master.log");
        daemons.add(launch(log, "org.apache.spark.deploy.master.Master", "--host", HOST, "--port", String.valueOf(port),
                "--webui-port", String.valueOf(freePort())));
        awaitLog(log, "I have been elected leader");
        masterUrl = "spark://" + HOST + ":" + port;
    }

    private void startWorker(int index, int cores, String memory, Path propertiesFile) throws IOException {
        Path log = logDir.resolve("worker-" + index + ".log");
        Path workDir = Files.createDirectories(logDir.resolve("worker-" + index));
        daemons.add(launch(log, "org.apache.spark.deploy.worker.Worker", "--host", HOST,
                "--webui-port", String.valueOf(freePort()), "--cores", String.valueOf(cores), "--memory", memory,
                "--work-dir", workDir.toString(), "--properties-file", propertiesFile.toString(), masterUrl));
        awaitLog(log, "Successfully registered with master");
    }

    private Process launch(Path log, String mainClass, String... args) throws IOException {
        var command = new ArrayList<>(List.of(sparkHome.sparkClass().toString(), mainClass));
        command.addAll(List.of(args));
        var builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
        builder.environment().putAll(sparkHome.environment());
        return builder.start();
    }

    private void awaitLog(Path log, String marker) throws IOException {
        Instant deadline = Instant.now().plus(START_TIMEOUT);
        Process process = daemons.get(daemons.size() - 1);
        while (Instant.now().isBefore(deadline)) {
            if (Files.exists(log) && Files.readString(log).contains(marker)) {
                return;
            }
            if (!process.isAlive()) {
                throw new IOException("Spark daemon exited with " + process.exitValue() + "; see " + log);
            }
            sleep(Duration.ofMillis(250));
        }
        throw new IOException("Spark daemon did not log '" + marker + "' within " + START_TIMEOUT.toSeconds() + " s; see " + log);
    }

    /** PIDs of the Master and Worker JVMs, Master first; what {@link #stop} needs once this object is gone. */
    public List<Long> daemonPids() {
        return daemons.stream().map(Process::pid).toList();
    }

    /** Stops Workers (and their executors) before the Master. */
    @Override
    public void close() {
        stop(daemonPids());
        daemons.clear();
    }

    /** Stops daemons started by {@link #start}, possibly by an earlier JVM: the last first, each with its children. */
    public static void stop(List<Long> daemonPids) {
        for (int i = daemonPids.size() - 1; i >= 0; i--) {
            ProcessHandle.of(daemonPids.get(i)).ifPresent(LoopbackCluster::stop);
        }
    }

    private static void stop(ProcessHandle daemon) {
        List<ProcessHandle> children = daemon.descendants().toList();
        daemon.destroy();
        children.forEach(ProcessHandle::destroy);
        try {
            daemon.onExit().get(20, java.util.concurrent.TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            daemon.destroyForcibly();
        }
        children.stream().filter(ProcessHandle::isAlive).forEach(ProcessHandle::destroyForcibly);
    }

    static int freePort() {
        try (var socket = new ServerSocket(0, 1, InetAddress.getByName(HOST))) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void sleep(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for Spark", e);
        }
    }
}
