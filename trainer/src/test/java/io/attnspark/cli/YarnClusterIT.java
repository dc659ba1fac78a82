package io.attnspark.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.attnspark.datasets.fashion.FashionMnistConverter;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.yarn.api.records.ApplicationReport;
import org.apache.hadoop.yarn.api.records.FinalApplicationStatus;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import java.util.zip.Deflater;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * attnspark on a real YARN, all on 127.0.0.1: a MiniYARNCluster (a ResourceManager and one NodeManager, which starts
 * each container as processes of their own) and a MiniDFSCluster in this JVM ({@link LoopbackYarn}).
 * {@code bin/attnspark submit --master yarn} runs as a user runs it, with HADOOP_CONF_DIR,
 * cluster-config/yarn/spark-defaults.conf, Spark's jars from an archive on HDFS, and the sizes of this machine, as
 * cluster-config/yarn/README.md describes. The images, the packs made from them, the checkpoints and the records are
 * on HDFS.
 */
class YarnClusterIT {

    private static final int NODE_MEMORY_MB = 6144;
    private static final Duration RUN_TIMEOUT = Duration.ofMinutes(10);
    /** Where cluster-config/yarn/spark-defaults.conf expects Spark's jars. */
    private static final String SPARK_ARCHIVE = "/apps/attnspark/spark-jars.zip";

    @TempDir
    static Path tmp;
    private static Path root;
    private static LoopbackYarn yarn;
    private static FileSystem hdfs;

    @BeforeAll
    static void startClusters() throws Exception {
        root = Path.of(System.getProperty("attnspark.root"));
        assertTrue(Files.exists(root.resolve("trainer/target/attnspark-trainer.jar")), "run after mvn package");
        long start = System.nanoTime();
        yarn = LoopbackYarn.start(tmp, NODE_MEMORY_MB);
        hdfs = yarn.hdfs();
        long clustersUp = System.nanoTime();

        Path images = tmp.resolve("fmnist");
        new FashionMnistConverter(FashionMnistConverter.locate()).convert(images, new FashionMnistConverter.Limits(8, 4));
        long converted = System.nanoTime();
        putOnHdfs(images, "/data/fmnist");
        long imagesUp = System.nanoTime();
        uploadSparkArchive(root.resolve("trainer/target/lib"));
        System.out.printf("HDFS and YARN up in %.1f s, 120 images converted in %.1f s and put on HDFS in %.1f s, Spark's jars"
                        + " in %.1f s%n", seconds(start, clustersUp), seconds(clustersUp, converted), seconds(converted, imagesUp),
                seconds(imagesUp, System.nanoTime()));
    }

    private static double seconds(long fromNanos, long toNanos) {
        return (toNanos - fromNanos) / 1e9;
    }

    @AfterAll
    static void stopClusters() {
        if (yarn != null) {
            yarn.close();
        }
    }

    /** Copies a folder to HDFS eight files at a time: a small file's copy mostly waits for the NameNode and DataNode. */
    private static void putOnHdfs(Path local, String target) throws Exception {
        List<Path> files;
        try (Stream<Path> walk = Files.walk(local)) {
            files = walk.filter(Files::isRegularFile).toList();
        }
        var pool = Executors.newFixedThreadPool(8);
        try {
            var copies = new ArrayList<Future<?>>();
            for (Path file : files) {
                copies.add(pool.submit(() -> {
                    hdfs.copyFromLocalFile(new org.apache.hadoop.fs.Path(file.toUri()),
                            new org.apache.hadoop.fs.Path(target + "/" + local.relativize(file)));
                    return null;
                }));
            }
            for (var copy : copies) {
                copy.get();
            }
        } finally {
            pool.shutdownNow();
        }
    }

    /** The zip of Spark's jars that spark.yarn.archive names: the jars at its top level, stored uncompressed. */
    private static void uploadSparkArchive(Path jars) throws IOException {
        try (OutputStream file = hdfs.create(new org.apache.hadoop.fs.Path(SPARK_ARCHIVE));
             var zip = new ZipOutputStream(file); Stream<Path> list = Files.list(jars)) {
            zip.setLevel(Deflater.NO_COMPRESSION);
            for (Path jar : list.filter(p -> p.toString().endsWith(".jar")).sorted().toList()) {
                zip.putNextEntry(new ZipEntry(jar.getFileName().toString()));
                Files.copy(jar, zip);
                zip.closeEntry();
            }
        }
    }

    @Test
    void clientModeTrainsAndSurvivesALostExecutor() throws Exception {
        Path driverLog = Path.of(StandaloneClusterIT.class.getResource("/cluster-driver-log4j2.properties").toURI());
        // tasks of five batches instead of two, so the task picked for the kill is still running when the kill lands
        var run = submit("client", "client", 5, "spark.driver.extraJavaOptions=" + driverJavaOptions()
                + " -Dlog4j2.configurationFile=" + driverLog + " -Djava.io.tmpdir=" + tmp);
        var training = TrainingTasks.killExecutorDuringTask(run.process, run::trainingLog,
                executor -> LoopbackYarn.containerJvms("YarnCoarseGrainedExecutorBackend")
                        .filter(p -> LoopbackYarn.arguments(p).contains("--executor-id " + executor + " ")).findFirst()
                        .orElseThrow(() -> new AssertionError("no JVM of executor " + executor)),
                RUN_TIMEOUT);

        ApplicationReport app = awaitSuccess(run);
        assertTrue(Pattern.compile("Lost task \\S+ in stage \\S+ \\(TID " + training.id() + "\\)").matcher(run.log()).find(),
                "the killed executor's task " + training.id() + " must have been lost and retried\n" + run.log());
        assertEquals(FinalApplicationStatus.SUCCEEDED, app.getFinalApplicationStatus());
        assertTrainedOnHdfs("client");
    }

    @Test
    void clusterModeSucceedsInOneAttemptWithOneRecordAndContainersOnLoopback() throws Exception {
        var run = submit("cluster", "cluster", 2, "spark.driver.extraJavaOptions=" + driverJavaOptions());
        Map<Long, String> localIps = new HashMap<>();
        long largestExecutorKb = 0;
        long deadline = System.nanoTime() + RUN_TIMEOUT.toNanos();
        while (!run.process.waitFor(500, TimeUnit.MILLISECONDS) && System.nanoTime() < deadline) {
            LoopbackYarn.containerJvms("ApplicationMaster", "YarnCoarseGrainedExecutorBackend")
                    .forEach(jvm -> LoopbackYarn.environment(jvm).ifPresent(environment ->
                            localIps.put(jvm.pid(), environment.getOrDefault("SPARK_LOCAL_IP", "unset"))));
            largestExecutorKb = Math.max(largestExecutorKb, LoopbackYarn.containerJvms("YarnCoarseGrainedExecutorBackend")
                    .mapToLong(LoopbackYarn::residentKb).max().orElse(0));
        }
        System.out.printf("cluster mode: largest executor resident size %d MB%n", largestExecutorKb / 1024);

        ApplicationReport app = awaitSuccess(run);
        assertEquals(FinalApplicationStatus.SUCCEEDED, app.getFinalApplicationStatus(), app.getDiagnostics());
        assertEquals(1, yarn.client().getApplicationAttempts(app.getApplicationId()).size());
        assertTrue(localIps.size() >= 3, "the driver's and two executors' containers: " + localIps);
        assertTrue(localIps.values().stream().allMatch("127.0.0.1"::equals), "SPARK_LOCAL_IP of the containers: " + localIps);
        assertTrainedOnHdfs("cluster");
    }

    private record Run(String name, Process process, Path logFile, long submitted) {
        String log() throws IOException {
            return Files.exists(logFile) ? Files.readString(logFile) : "";
        }

        /** The log from the line that starts training on: the packing tasks before it can run for seconds too. */
        String trainingLog() throws IOException {
            String log = log();
            int start = log.indexOf("\nlearning rate ");
            return start < 0 ? "" : log.substring(start);
        }
    }

    /**
     * {@code bin/attnspark submit} with the template and this machine's sizes (cluster-config/yarn/README.md): two
     * executors of one core, ND4J's limits inside their containers, the JavaCPP cache the tests share.
     */
    /** @param averagingFrequency batches per training task (TinyRun's is 2) */
    private static Run submit(String deployMode, String name, int averagingFrequency, String... conf) throws IOException {
        var command = new ArrayList<>(List.of(root.resolve("bin/attnspark").toString(), "submit", "--master", "yarn",
                "--deploy-mode", deployMode,
                "--properties-file", root.resolve("cluster-config/yarn/spark-defaults.conf").toString()));
        var settings = new ArrayList<>(List.of("spark.executor.instances=2", "spark.executor.cores=1", "spark.task.cpus=1",
                "spark.executor.memory=1g", "spark.executor.memoryOverhead=1024m", "spark.executor.extraJavaOptions="
                        + "-Dorg.eclipse.deeplearning4j.helpers.disable=false -Dorg.bytedeco.javacpp.maxbytes=700M"
                        + " -Dorg.bytedeco.javacpp.maxphysicalbytes=1900M " + javacppCache(),
                "spark.executorEnv.OMP_NUM_THREADS=1", "spark.driver.memory=1g", "spark.driver.memoryOverhead=768m",
                "spark.yarn.am.memory=512m"));
        settings.addAll(List.of(conf));
        settings.forEach(setting -> command.addAll(List.of("--conf", setting)));
        command.add("--");
        // paths without a host resolve against fs.defaultFS of HADOOP_CONF_DIR, as in cluster-config/yarn/README.md
        String fs = "hdfs://";
        String[] train = TinyRun.args(fs + "/data/fmnist", fs + "/" + name + "/results", fs + "/" + name + "/work", null, "none");
        Arrays.asList(train).subList(1, train.length).forEach(argument -> command.add(
                argument.equals("spark.averagingFrequency=2") ? "spark.averagingFrequency=" + averagingFrequency : argument));
        // the first run packs the images, the second finds the packs complete
        command.addAll(List.of("--set", "data.packs=" + fs + "/packs"));

        Path log = tmp.resolve(name + ".log");
        var builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
        builder.environment().putAll(Map.of("HADOOP_CONF_DIR", yarn.confDir().toString(), "YARN_CONF_DIR",
                yarn.confDir().toString(), "ATTNSPARK_HEAP", "512m"));
        // submit then uses the SPARK_HOME assembled from the trainer's jars
        builder.environment().remove("SPARK_HOME");
        return new Run(name, builder.start(), log, System.currentTimeMillis());
    }

    private static String javacppCache() {
        return "-Dorg.bytedeco.javacpp.cachedir=" + root.resolve(".cache/javacpp");
    }

    private static String driverJavaOptions() {
        return "-Dorg.eclipse.deeplearning4j.helpers.disable=false " + javacppCache();
    }

    /** Waits for submit to end with 0; returns the one application it started. */
    private static ApplicationReport awaitSuccess(Run run) throws Exception {
        if (!run.process.waitFor(RUN_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
            run.process.descendants().forEach(ProcessHandle::destroyForcibly);
            run.process.destroyForcibly();
            fail("submit did not end within " + RUN_TIMEOUT + "\n" + run.log());
        }
        List<ApplicationReport> apps = yarn.applicationsSince(run.submitted);
        assertEquals(1, apps.size(), "applications started by submit: " + apps);
        // in client mode the application master reports the driver's end after the driver has ended
        ApplicationReport app = yarn.awaitEnd(apps.get(0), Duration.ofMinutes(1));
        assertEquals(0, run.process.exitValue(), run.log() + "\n" + app.getDiagnostics() + "\n" + yarn.applicationMasterLog(app));
        System.out.printf("%s mode: submit ended after %.1f s%n", run.name, (System.currentTimeMillis() - run.submitted) / 1e3);
        return app;
    }

    /** One completed record of one epoch over two workers; the packs and the checkpoint of the run, all on HDFS. */
    private static void assertTrainedOnHdfs(String name) throws IOException {
        FileStatus[] records = hdfs.listStatus(new org.apache.hadoop.fs.Path("/" + name + "/results"));
        assertEquals(1, records.length, Arrays.toString(records));
        JsonNode record;
        try (InputStream in = hdfs.open(records[0].getPath())) {
            record = new ObjectMapper().readTree(in);
        }
        assertEquals("completed", record.get("status").asText());
        assertEquals("yarn", record.get("sparkMaster").asText());
        assertEquals(2, record.get("workers").asInt());
        assertEquals(1, record.get("epochs").size());
        assertEquals(80, record.get("epochs").get(0).get("trainImages").asLong());

        List<String> shards = names("/packs/*/train/*.zip");
        assertEquals(10, shards.size(), "80 images in shards of 8: " + shards);
        assertFalse(names("/" + name + "/work/checkpoints/*/epoch-0001.zip").isEmpty(), "the epoch's checkpoint");
    }

    private static List<String> names(String glob) throws IOException {
        FileStatus[] found = hdfs.globStatus(new org.apache.hadoop.fs.Path(glob));
        return found == null ? List.of() : Arrays.stream(found).map(status -> status.getPath().toString()).toList();
    }
}
