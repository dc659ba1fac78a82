package io.attnspark.cli;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.hdfs.MiniDFSCluster;
import org.apache.hadoop.yarn.api.records.ApplicationReport;
import org.apache.hadoop.yarn.api.records.YarnApplicationState;
import org.apache.hadoop.yarn.client.api.YarnClient;
import org.apache.hadoop.yarn.conf.YarnConfiguration;
import org.apache.hadoop.yarn.exceptions.YarnException;
import org.apache.hadoop.yarn.server.MiniYARNCluster;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * A MiniDFSCluster (one DataNode) and a MiniYARNCluster (a ResourceManager and one NodeManager) in this JVM, all on
 * 127.0.0.1, and the HADOOP_CONF_DIR a client needs for them. The NodeManager starts each container as processes
 * of its own, children of this JVM, and checks their physical memory like a real one.
 */
final class LoopbackYarn implements AutoCloseable {

    private static final Set<YarnApplicationState> ENDED =
            Set.of(YarnApplicationState.FINISHED, YarnApplicationState.FAILED, YarnApplicationState.KILLED);

    private final MiniDFSCluster dfs;
    private final MiniYARNCluster yarn;
    private final YarnClient client;
    private final Path confDir;

    private LoopbackYarn(MiniDFSCluster dfs, MiniYARNCluster yarn, YarnClient client, Path confDir) {
        this.dfs = dfs;
        this.yarn = yarn;
        this.client = client;
        this.confDir = confDir;
    }

    /** Starts both clusters with their state under {@code dir}; the NodeManager offers {@code nodeMemoryMb} and 4 vcores. */
    static LoopbackYarn start(Path dir, int nodeMemoryMb) throws Exception {
        Configuration dfsConf = new Configuration();
        for (String key : List.of("dfs.namenode.rpc-address", "dfs.namenode.http-address", "dfs.datanode.address",
                "dfs.datanode.http.address", "dfs.datanode.ipc.address")) {
            dfsConf.set(key, "127.0.0.1:0");
        }
        var dfs = new MiniDFSCluster.Builder(dfsConf, dir.resolve("dfs").toFile()).numDataNodes(1).build();
        dfs.waitActive();
        // Spark stages each application under the submitting user's home
        dfs.getFileSystem().mkdirs(new org.apache.hadoop.fs.Path("/user/" + System.getProperty("user.name")));

        var yarn = new MiniYARNCluster(LoopbackYarn.class.getSimpleName(), 1, 1, 1);
        try {
            yarn.init(yarnConfiguration(dfs.getFileSystem().getUri().toString(), nodeMemoryMb));
            yarn.start();
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (yarn.getConfig().get(YarnConfiguration.RM_ADDRESS).endsWith(":0")) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("the ResourceManager did not publish its address");
                }
                Thread.sleep(100);
            }
            var client = YarnClient.createYarnClient();
            client.init(yarn.getConfig());
            client.start();
            return new LoopbackYarn(dfs, yarn, client, writeClientConf(dir.resolve("hadoop-conf"), dfs, yarn));
        } catch (Exception e) {
            yarn.stop();
            dfs.shutdown(true);
            throw e;
        }
    }

    private static YarnConfiguration yarnConfiguration(String defaultFs, int nodeMemoryMb) {
        var conf = new YarnConfiguration();
        conf.set("fs.defaultFS", defaultFs);
        conf.set(YarnConfiguration.RM_HOSTNAME, "127.0.0.1");
        conf.set("yarn.nodemanager.hostname", "127.0.0.1");
        conf.set(YarnConfiguration.NM_ADDRESS, "127.0.0.1:0");
        conf.setInt(YarnConfiguration.NM_PMEM_MB, nodeMemoryMb);
        // MiniYARNCluster gives its NodeManagers this memory, not the one above (default 4096)
        conf.setInt("yarn.minicluster.yarn.nodemanager.resource.memory-mb", nodeMemoryMb);
        // without this MiniYARNCluster switches the memory checks off
        conf.setBoolean("yarn.minicluster.control-resource-monitoring", true);
        conf.setBoolean(YarnConfiguration.NM_PMEM_CHECK_ENABLED, true);
        // Java 17 reserves far more virtual memory than it uses
        conf.setBoolean(YarnConfiguration.NM_VMEM_CHECK_ENABLED, false);
        conf.setFloat(YarnConfiguration.NM_MAX_PER_DISK_UTILIZATION_PERCENTAGE, 100);
        conf.setInt(YarnConfiguration.NM_VCORES, 4);
        conf.setInt(YarnConfiguration.RM_SCHEDULER_MINIMUM_ALLOCATION_MB, 256);
        conf.setInt(YarnConfiguration.RM_SCHEDULER_MAXIMUM_ALLOCATION_MB, nodeMemoryMb);
        // containers run $JAVA_HOME/bin/java, and this JVM's environment may have no JAVA_HOME
        conf.set(YarnConfiguration.NM_ADMIN_USER_ENV, "JAVA_HOME=" + System.getProperty("java.home"));
        // the minicluster jar has no capacity-scheduler.xml
        String queue = "yarn.scheduler.capacity.root.default.";
        conf.set("yarn.scheduler.capacity.root.queues", "default");
        conf.set(queue + "capacity", "100");
        conf.set(queue + "maximum-capacity", "100");
        conf.set(queue + "user-limit-factor", "1");
        conf.set(queue + "state", "RUNNING");
        conf.set(queue + "acl_submit_applications", "*");
        conf.set(queue + "acl_administer_queue", "*");
        conf.set("yarn.scheduler.capacity.node-locality-delay", "-1");
        return conf;
    }

    /** A client's HADOOP_CONF_DIR: the default file system, and the ResourceManager's addresses (every yarn.* key). */
    private static Path writeClientConf(Path dir, MiniDFSCluster dfs, MiniYARNCluster yarn) throws IOException {
        Files.createDirectories(dir);
        var core = new Configuration(false);
        core.set("fs.defaultFS", dfs.getFileSystem().getUri().toString());
        var yarnSite = new Configuration(false);
        Configuration live = yarn.getConfig();
        for (Map.Entry<String, String> entry : live) {
            if (entry.getKey().startsWith("yarn.")) {
                yarnSite.set(entry.getKey(), live.get(entry.getKey()));
            }
        }
        for (var site : Map.of("core-site.xml", core, "yarn-site.xml", yarnSite).entrySet()) {
            try (OutputStream out = Files.newOutputStream(dir.resolve(site.getKey()))) {
                site.getValue().writeXml(out);
            }
        }
        return dir;
    }

    FileSystem hdfs() throws IOException {
        return dfs.getFileSystem();
    }

    Path confDir() {
        return confDir;
    }

    YarnClient client() {
        return client;
    }

    /** The applications submitted at or after {@code epochMillis}. */
    List<ApplicationReport> applicationsSince(long epochMillis) throws IOException, YarnException {
        return client.getApplications().stream().filter(app -> app.getStartTime() >= epochMillis).toList();
    }

    /** The application's report once it has ended, or its last one after {@code timeout}. */
    ApplicationReport awaitEnd(ApplicationReport app, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!ENDED.contains(app.getYarnApplicationState()) && System.nanoTime() < deadline) {
            Thread.sleep(200);
            app = client.getApplicationReport(app.getApplicationId());
        }
        return app;
    }

    /** The output of the application master's container (the first): the driver's, in cluster mode. */
    String applicationMasterLog(ApplicationReport app) throws IOException {
        var log = new StringBuilder();
        for (String dir : yarn.getNodeManager(0).getConfig().getTrimmedStrings(YarnConfiguration.NM_LOG_DIRS)) {
            Path logs = Path.of(dir, app.getApplicationId().toString());
            if (!Files.isDirectory(logs)) {
                continue;
            }
            try (var containers = Files.newDirectoryStream(logs, "container_*_000001")) {
                for (Path container : containers) {
                    for (String file : List.of("stdout", "stderr")) {
                        log.append("--- application master ").append(file).append(":\n")
                                .append(Files.readString(container.resolve(file)));
                    }
                }
            }
        }
        return log.toString();
    }

    /** The JVMs of the containers that run one of the given main classes. */
    static Stream<ProcessHandle> containerJvms(String... mainClasses) {
        return ProcessHandle.current().descendants()
                .filter(p -> p.info().command().filter(command -> command.endsWith("/java")).isPresent())
                .filter(p -> Arrays.stream(mainClasses).anyMatch(arguments(p)::contains));
    }

    /** The process's arguments, each followed by a space. */
    static String arguments(ProcessHandle process) {
        return process.info().arguments().map(args -> String.join(" ", args) + " ").orElse("");
    }

    /** The process's environment; empty if it ended before it was read. */
    static Optional<Map<String, String>> environment(ProcessHandle process) {
        return procFile(process, "environ").map(text -> Arrays.stream(text.split("\0")).filter(entry -> entry.indexOf('=') > 0)
                .collect(Collectors.toMap(entry -> entry.substring(0, entry.indexOf('=')),
                        entry -> entry.substring(entry.indexOf('=') + 1), (first, second) -> second)));
    }

    /** The process's resident size in kB; 0 if it has ended. */
    static long residentKb(ProcessHandle process) {
        return procFile(process, "status").flatMap(text -> text.lines().filter(line -> line.startsWith("VmRSS:")).findFirst())
                .map(line -> Long.parseLong(line.replaceAll("\\D", ""))).orElse(0L);
    }

    private static Optional<String> procFile(ProcessHandle process, String name) {
        try {
            return Optional.of(Files.readString(Path.of("/proc", String.valueOf(process.pid()), name)));
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    @Override
    public void close() {
        client.stop();
        yarn.stop();
        dfs.shutdown(true);
    }
}
