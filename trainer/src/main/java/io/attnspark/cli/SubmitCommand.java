package io.attnspark.cli;

import io.attnspark.train.RunChecks;
import io.attnspark.train.SparkSetup;
import io.attnspark.train.cluster.SparkHome;
import io.attnspark.train.config.ConfigLoader;
import org.apache.spark.launcher.SparkLauncher;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import java.util.stream.Stream;

@Command(name = "submit", mixinStandardHelpOptions = true,
        header = "Validate a run here, then spark-submit it to a cluster.",
        description = {"Validate a training run here, then submit it with Spark's spark-submit (through SparkLauncher) "
                + "to local[*], spark://, yarn or k8s:// masters. Everything after the submit options is given to "
                + "'train'. Without --spark-home (or SPARK_HOME) it uses a SPARK_HOME assembled from attnspark's "
                + "own jars."},
        footer = {"", "Example: attnspark submit --master spark://127.0.0.1:7077 --conf spark.cores.max=2 -- "
                + "--config run.yaml --epochs 3"})
final class SubmitCommand implements Callable<Integer> {

    @Option(names = "--master", required = true, description = "local[*], spark://HOST:PORT, yarn or k8s://https://HOST:PORT")
    String master;

    @Option(names = "--deploy-mode", defaultValue = "client", description = "client or cluster (default: ${DEFAULT-VALUE})")
    String deployMode;

    @Option(names = "--spark-home", paramLabel = "DIR", description = "a Spark 3.5 / Scala 2.12 distribution (default: $SPARK_HOME)")
    Path sparkHome;

    @Option(names = "--properties-file", paramLabel = "FILE", description = "e.g. cluster-config/standalone/spark-defaults.conf")
    Path propertiesFile;

    @Option(names = "--conf", paramLabel = "KEY=VALUE", description = "Spark property")
    Map<String, String> conf = Map.of();

    @Parameters(paramLabel = "TRAIN_ARGS", description = "options of 'attnspark train'")
    List<String> trainArgs = new ArrayList<>();

    @Override
    public Integer call() throws Exception {
        var train = new TrainCommand();
        new CommandLine(train).parseArgs(trainArgs.toArray(String[]::new));
        if (train.master != null) {
            throw new IllegalArgumentException("give the master to submit (--master), not to train");
        }
        RunChecks.validate(ConfigLoader.load(train.config, train.overrides()));
        if (!Set.of("client", "cluster").contains(deployMode)) {
            throw new IllegalArgumentException("--deploy-mode must be client or cluster, got " + deployMode);
        }

        Path jar = Path.of(AttnSpark.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException("submit runs from the packaged trainer (bin/attnspark), not from " + jar);
        }
        SparkHome home = sparkHome(jar);
        // SPARK_LOCAL_IP comes from this shell, if at all: a cluster's driver must not be held on loopback
        var launcher = new SparkLauncher(home.launcherEnvironment())
                .setSparkHome(home.dir().toString())
                .setMaster(master)
                .setDeployMode(deployMode)
                .setAppResource(jar.toString())
                .setMainClass(AttnSpark.class.getName())
                .addAppArgs("train")
                .addAppArgs(trainArgs.toArray(String[]::new))
                .redirectOutput(ProcessBuilder.Redirect.INHERIT)
                .redirectError(ProcessBuilder.Redirect.INHERIT);
        if (propertiesFile != null) {
            launcher.setPropertiesFile(propertiesFile.toString());
        }
        sparkConf(master, conf, System.getenv("SPARK_LOCAL_IP")).forEach(launcher::setConf);
        launcher.setConf(SparkSetup.DRIVER_OPTIONS, SparkSetup.driverJavaOptions(conf));
        for (Path dependency : jarsMissingFrom(home, jar.resolveSibling("lib"))) {
            launcher.addJar(dependency.toString());
        }
        return launcher.launch().waitFor();
    }

    /**
     * The --conf properties, on YARN with what training needs unless they give it: one application attempt, since a
     * second attempt would train the whole run again and write a second record; and a loopback SPARK_LOCAL_IP of this
     * shell for the application master and the executors, which otherwise bind the address of their host. Another
     * address is this host's own, which containers on other hosts could not bind, so it is not passed on.
     */
    static Map<String, String> sparkConf(String master, Map<String, String> given, String localIp) {
        var all = new LinkedHashMap<String, String>();
        if (master.startsWith("yarn")) {
            all.put("spark.yarn.maxAppAttempts", "1");
            if (localIp != null && !localIp.isBlank() && isLoopback(localIp)) {
                all.put("spark.executorEnv.SPARK_LOCAL_IP", localIp);
                all.put("spark.yarn.appMasterEnv.SPARK_LOCAL_IP", localIp);
            }
        }
        all.putAll(given);
        return all;
    }

    private static boolean isLoopback(String address) {
        try {
            return InetAddress.getByName(address).isLoopbackAddress();
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("SPARK_LOCAL_IP=" + address
                    + " does not resolve; set it to an address of this host or unset it");
        }
    }

    /** The given or environment's SPARK_HOME, else one assembled from attnspark's jars (Master/Workers then need it too). */
    private SparkHome sparkHome(Path jar) throws IOException {
        Path dir = sparkHome != null ? sparkHome : System.getenv("SPARK_HOME") != null ? Path.of(System.getenv("SPARK_HOME")) : null;
        if (dir != null) {
            if (!Files.isDirectory(dir.resolve("jars"))) {
                throw new IllegalArgumentException(dir + " is not a Spark distribution (no jars/ directory)");
            }
            return new SparkHome(dir);
        }
        Path root = Path.of(System.getProperty("attnspark.root", "."));
        return SparkHome.assemble(jar.resolveSibling("lib"), root.resolve("cluster-config/spark-home/bin"),
                root.resolve(".cache/spark-home"));
    }

    /** attnspark's dependencies that the Spark distribution does not already ship (by file name). */
    private static List<Path> jarsMissingFrom(SparkHome home, Path lib) throws IOException {
        Set<String> shipped;
        try (Stream<Path> jars = Files.list(home.dir().resolve("jars"))) {
            shipped = jars.map(p -> p.getFileName().toString()).collect(Collectors.toSet());
        }
        try (Stream<Path> jars = Files.list(lib)) {
            return jars.filter(p -> p.toString().endsWith(".jar") && !shipped.contains(p.getFileName().toString())).sorted().toList();
        }
    }
}
