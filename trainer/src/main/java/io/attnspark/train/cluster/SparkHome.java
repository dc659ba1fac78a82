package io.attnspark.train.cluster;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.HashMap;
import java.util.Map;
import java.util.stream.Stream;

/**
 * A SPARK_HOME made of Maven jars: {@code jars/} links every runtime jar, {@code bin/} holds the small
 * spark-class/spark-submit scripts of {@code cluster-config/spark-home/bin}. It is what Spark's Workers, spark-submit
 * and {@code SparkLauncher} need on a machine without a Spark distribution.
 */
public record SparkHome(Path dir) {

    /** Links the jars of {@code libDir} and copies the scripts of {@code binTemplates} into {@code dir}. */
    public static SparkHome assemble(Path libDir, Path binTemplates, Path dir) throws IOException {
        Path jars = Files.createDirectories(dir.resolve("jars"));
        Path bin = Files.createDirectories(dir.resolve("bin"));
        try (Stream<Path> existing = Files.list(jars); Stream<Path> libs = Files.list(libDir)) {
            for (Path stale : existing.toList()) {
                Files.delete(stale);
            }
            for (Path jar : libs.filter(p -> p.toString().endsWith(".jar")).toList()) {
                Files.createSymbolicLink(jars.resolve(jar.getFileName()), jar.toAbsolutePath());
            }
        }
        try (Stream<Path> scripts = Files.list(binTemplates)) {
            for (Path script : scripts.toList()) {
                Path target = bin.resolve(script.getFileName());
                Files.copy(script, target, StandardCopyOption.REPLACE_EXISTING);
                target.toFile().setExecutable(true);
            }
        }
        return new SparkHome(dir);
    }

    public Path sparkClass() {
        return dir.resolve("bin/spark-class");
    }

    /** What spark-submit and spark-class need to run from this SPARK_HOME. */
    public Map<String, String> launcherEnvironment() {
        return Map.of("SPARK_HOME", dir.toString(), "SPARK_SCALA_VERSION", "2.12");
    }

    /** Keeps every daemon, driver and executor on loopback. */
    public Map<String, String> environment() {
        var environment = new HashMap<>(launcherEnvironment());
        environment.put("SPARK_LOCAL_IP", LoopbackCluster.HOST);
        return Map.copyOf(environment);
    }
}
