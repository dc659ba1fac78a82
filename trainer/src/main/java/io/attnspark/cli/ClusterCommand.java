package io.attnspark.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.attnspark.train.cluster.LoopbackCluster;
import io.attnspark.train.cluster.SparkHome;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;

@Command(name = "cluster", mixinStandardHelpOptions = true,
        header = "Start or stop a standalone Spark cluster on 127.0.0.1.",
        description = {"A Spark standalone cluster on 127.0.0.1 (a Master and Workers started from attnspark's own "
                + "jars), to try cluster mode on one machine: train --master spark://127.0.0.1:PORT."},
        subcommands = {ClusterCommand.Up.class, ClusterCommand.Down.class})
final class ClusterCommand {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** What {@code up} leaves for {@code down}. */
    record State(String masterUrl, List<Long> pids, String logs) { }

    static Path stateFile(Path dir) {
        return dir.resolve("cluster.json");
    }

    @Command(name = "up", mixinStandardHelpOptions = true, header = "Start a Master and Workers; they run until 'cluster down'.")
    static final class Up implements Callable<Integer> {
        @Option(names = "--workers", defaultValue = "1", description = "Worker JVMs (default: ${DEFAULT-VALUE})")
        int workers;

        @Option(names = "--cores", defaultValue = "2", description = "cores each Worker offers (default: ${DEFAULT-VALUE})")
        int cores;

        @Option(names = "--memory", defaultValue = "8g", description = "memory each Worker offers (default: ${DEFAULT-VALUE})")
        String memory;

        @Option(names = "--dir", defaultValue = ".cache/cluster", description = "SPARK_HOME, logs and state (default: ${DEFAULT-VALUE})")
        Path dir;

        @Override
        public Integer call() throws Exception {
            if (Files.exists(stateFile(dir))) {
                throw new IllegalStateException("a cluster is already up (" + stateFile(dir) + "); run 'attnspark cluster down' first");
            }
            if (workers < 1 || cores < 1) {
                throw new IllegalArgumentException("--workers and --cores must be at least 1");
            }
            Path jar = Path.of(AttnSpark.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            Path root = Path.of(System.getProperty("attnspark.root", "."));
            var home = SparkHome.assemble(jar.resolveSibling("lib"), root.resolve("cluster-config/spark-home/bin"), dir.resolve("spark-home"));
            var cluster = LoopbackCluster.start(home, dir.resolve("logs"), workers, cores, memory);
            JSON.writeValue(stateFile(dir).toFile(), new State(cluster.masterUrl(), cluster.daemonPids(), dir.resolve("logs").toString()));
            System.out.println("master " + cluster.masterUrl() + " with " + workers + " worker(s) x " + cores + " cores; logs in "
                    + dir.resolve("logs"));
            System.out.println("train on it: bin/attnspark train --master " + cluster.masterUrl() + " ...; stop it: bin/attnspark cluster down");
            return 0;
        }
    }

    @Command(name = "down", mixinStandardHelpOptions = true, header = "Stop the cluster started by 'cluster up'.")
    static final class Down implements Callable<Integer> {
        @Option(names = "--dir", defaultValue = ".cache/cluster", description = "as given to 'cluster up' (default: ${DEFAULT-VALUE})")
        Path dir;

        @Override
        public Integer call() throws Exception {
            if (!Files.exists(stateFile(dir))) {
                throw new IllegalStateException("no cluster is up (" + stateFile(dir) + " is missing)");
            }
            State state = JSON.readValue(stateFile(dir).toFile(), State.class);
            LoopbackCluster.stop(state.pids());
            Files.delete(stateFile(dir));
            System.out.println("stopped " + state.masterUrl());
            return 0;
        }
    }
}
