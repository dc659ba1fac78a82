package io.attnspark.sweep;

import io.attnspark.train.config.ConfigLoader;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The spark-submit call of a cluster point, against a stand-in spark-submit that records its arguments and fails. */
class LauncherRunnerTest {

    @TempDir
    Path tmp;

    @Test
    void submitsTheTrainCommandWithThePointsConfigAndReportsAFailedDriver() throws Exception {
        Path home = tmp.resolve("spark-home");
        Path script = Files.createDirectories(home.resolve("bin")).resolve("spark-submit");
        Files.writeString(script, """
                #!/bin/sh
                printf '%s\\n' "$@" > "$(dirname "$0")/../args.txt"
                echo "Exception in thread main: no executors"
                exit 3
                """);
        assertTrue(script.toFile().setExecutable(true));
        Path jar = Files.writeString(tmp.resolve("attnspark-trainer.jar"), "not really a jar");
        var spec = new SweepSpec("c", null, Map.of("data.path", "/data/fmnist"),
                SweepPlanTest.grid("model.attention", List.of("se")), null, List.of(), tmp.resolve("results").toString(),
                "spark://127.0.0.1:7077", 1, 0, new SweepSpec.Submit(jar, home, Map.of("spark.executor.memory", "1g"), tmp.resolve("points")));
        var plan = SweepPlan.of(spec);
        var point = plan.points().get(0);
        var runner = LauncherRunner.create(spec, Sweep.resultsDir(plan), new Configuration());

        var e = assertThrows(IllegalStateException.class, () -> runner.run(point, plan.configs().get(0), 2));
        Path log = tmp.resolve("points/point-" + point.id() + "-attempt2.log");
        assertEquals("spark-submit exited with 3 (Exception in thread main: no executors); log " + log, e.getMessage());

        List<String> args = Files.readAllLines(home.resolve("args.txt"));
        Path config = tmp.resolve("points/point-" + point.id() + ".yaml").toAbsolutePath();
        assertEquals(List.of("train", "--config", config.toString()), args.subList(args.size() - 3, args.size()));
        assertEquals(jar.toAbsolutePath().toString(), args.get(args.size() - 4));
        assertEquals("spark://127.0.0.1:7077", args.get(args.indexOf("--master") + 1));
        assertEquals("client", args.get(args.indexOf("--deploy-mode") + 1));
        assertEquals(LauncherRunner.MAIN_CLASS, args.get(args.indexOf("--class") + 1));
        assertTrue(args.contains("spark.executor.memory=1g"), args.toString());
        assertEquals(plan.configs().get(0), ConfigLoader.load(config, List.of()));
    }

    @Test
    void aMissingJarIsNamed() {
        var spec = new SweepSpec("c", null, Map.of("data.path", "/d"), Map.of(), null, List.of(), "/tmp/r",
                "spark://127.0.0.1:7077", 1, 0, new SweepSpec.Submit(tmp.resolve("no.jar"), null, null, null));
        var e = assertThrows(IllegalArgumentException.class, () -> LauncherRunner.create(spec, "/tmp/r", new Configuration()));
        assertTrue(e.getMessage().startsWith("submit.jar: " + tmp.resolve("no.jar") + " does not exist"), e.getMessage());
    }
}
