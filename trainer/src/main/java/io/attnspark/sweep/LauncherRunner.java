package io.attnspark.sweep;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.attnspark.train.SparkSetup;
import io.attnspark.train.cluster.SparkHome;
import io.attnspark.train.config.ConfigLoader;
import io.attnspark.train.config.TrainConfig;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.launcher.SparkLauncher;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Submits a point as its own Spark application through spark-submit ({@link SparkLauncher}, client deploy mode):
 * {@code attnspark train --config <the point's full config>}, with the driver's output in a log file per attempt.
 */
final class LauncherRunner implements PointRunner {

    /** The main class of the trainer jar; named, not referenced, since the sweep does not depend on the CLI. */
    static final String MAIN_CLASS = "io.attnspark.cli.AttnSpark";
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    private final SweepSpec.Submit submit;
    private final SparkHome sparkHome;
    private final Path dir;
    private final String results;
    private final Configuration hadoop;

    private LauncherRunner(SweepSpec.Submit submit, SparkHome sparkHome, Path dir, String results, Configuration hadoop) {
        this.submit = submit;
        this.sparkHome = sparkHome;
        this.dir = dir;
        this.results = results;
        this.hadoop = hadoop;
    }

    static LauncherRunner create(SweepSpec spec, String results, Configuration hadoop) throws IOException {
        var submit = spec.submit();
        if (!Files.isRegularFile(submit.jar())) {
            throw new IllegalArgumentException("submit.jar: " + submit.jar().toAbsolutePath() + " does not exist; build it"
                    + " with mvn package or point submit.jar at the trainer jar");
        }
        Path dir = Files.createDirectories(submit.dir() != null ? submit.dir() : Path.of(".cache", "sweeps", spec.name()));
        SparkHome home = submit.sparkHome() != null ? new SparkHome(submit.sparkHome()) : SparkHome.assemble(
                submit.jar().toAbsolutePath().resolveSibling("lib"),
                Path.of(System.getProperty("attnspark.root", ".")).resolve("cluster-config/spark-home/bin"),
                dir.resolve("spark-home").toAbsolutePath());
        return new LauncherRunner(submit, home, dir, results, hadoop);
    }

    @Override
    public String run(SweepPoint point, TrainConfig config, int attempt) throws Exception {
        Path configFile = writeConfig(dir.resolve("point-" + point.id() + ".yaml"), config);
        Path log = dir.resolve("point-" + point.id() + "-attempt" + attempt + ".log");
        var launcher = new SparkLauncher(Map.of("SPARK_HOME", sparkHome.dir().toString(), "SPARK_SCALA_VERSION", "2.12"))
                .setSparkHome(sparkHome.dir().toString())
                .setMaster(config.spark().master())
                .setDeployMode("client")
                .setAppResource(submit.jar().toAbsolutePath().toString())
                .setMainClass(MAIN_CLASS)
                .setAppName("attnspark sweep point " + point.id())
                .addAppArgs("train", "--config", configFile.toAbsolutePath().toString())
                .redirectOutput(log.toFile())
                .redirectError(ProcessBuilder.Redirect.appendTo(log.toFile()));
        submit.conf().forEach(launcher::setConf);
        launcher.setConf(SparkSetup.DRIVER_OPTIONS, SparkSetup.driverJavaOptions(submit.conf()));
        Process driver = launcher.launch();
        try {
            int exit = driver.waitFor();
            if (exit != 0) {
                throw new IllegalStateException("spark-submit exited with " + exit + " (" + lastLine(log) + "); log " + log);
            }
        } finally {
            driver.descendants().forEach(ProcessHandle::destroy);
            driver.destroy();
        }
        return FinishedRuns.in(results, hadoop).runIdOf(config).orElseThrow(() -> new IllegalStateException(
                "the driver exited normally but wrote no completed record under " + results + "; log " + log));
    }

    /** The point's whole resolved config, so that the driver runs exactly what the sweep validated. */
    static Path writeConfig(Path file, TrainConfig config) throws IOException {
        YAML.writeValue(file.toFile(), ConfigLoader.toMap(config));
        return file;
    }

    private static String lastLine(Path log) throws IOException {
        List<String> lines = Files.exists(log) ? Files.readAllLines(log) : List.of();
        return lines.stream().filter(l -> !l.isBlank()).reduce((a, b) -> b).orElse("no output");
    }
}
