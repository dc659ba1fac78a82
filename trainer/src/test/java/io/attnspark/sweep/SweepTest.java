package io.attnspark.sweep;

import io.attnspark.record.RunRecord;
import io.attnspark.record.RunRecordWriter;
import io.attnspark.record.RunRecords;
import io.attnspark.record.RunStatus;
import io.attnspark.record.WriteMode;
import io.attnspark.train.config.ConfigLoader;
import io.attnspark.train.config.TrainConfig;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The sweep's bookkeeping with a fake runner: no training happens here. */
class SweepTest {

    private static final Configuration HADOOP = new Configuration();

    @TempDir
    Path tmp;
    private final ByteArrayOutputStream log = new ByteArrayOutputStream();

    @Test
    void aPointThatFailsOnceIsRetriedAndCompletes() throws Exception {
        var plan = plan("local[2]", 1, 1);
        Map<String, Integer> calls = new HashMap<>();
        var index = sweep(plan, (point, config, attempt) -> {
            calls.merge(point.id(), 1, Integer::sum);
            if (point.index() == 2 && attempt == 1) {
                throw new IllegalStateException("executor lost");
            }
            return "run-" + point.index() + "-" + attempt;
        }).run();

        assertEquals(4, index.count(PointStatus.COMPLETED));
        var second = index.points().get(1);
        assertEquals(2, second.attempts());
        assertEquals("run-2-2", second.runId());
        assertNull(second.error());
        assertEquals(2, calls.get(second.id()));
        assertEquals(1, index.points().get(0).attempts());
        assertTrue(log.toString().contains("point 2 [" + second.id() + "] attempt 1 failed, retrying: IllegalStateException: executor lost"), log.toString());
        // read back from JSON a seed is an int rather than a long: same text
        assertEquals(index.points().toString(), SweepIndex.read(results(), "t", HADOOP).points().toString());
    }

    @Test
    void aPointIsMarkedFailedAfterItsRetriesAndTheOthersStillRun() throws Exception {
        var plan = plan("local[2]", 1, 2);
        var index = sweep(plan, (point, config, attempt) -> {
            if (point.index() == 3) {
                throw new IllegalArgumentException("out of memory " + attempt);
            }
            return "run-" + point.index();
        }).run();

        var third = index.points().get(2);
        assertEquals(PointStatus.FAILED, third.status());
        assertEquals(3, third.attempts());
        assertEquals("IllegalArgumentException: out of memory 3", third.error());
        assertEquals(3, index.count(PointStatus.COMPLETED));
        var onDisk = SweepIndex.read(results(), "t", HADOOP);
        assertEquals(PointStatus.FAILED, onDisk.points().get(2).status());
        assertTrue(Files.readString(tmp.resolve("results/_sweep-t.json")).contains("\"status\" : \"failed\""));
    }

    @Test
    void pointsWithACompletedRecordOfTheirConfigAreSkipped() throws Exception {
        var plan = plan("local[2]", 1, 1);
        var writer = new RunRecordWriter(HADOOP);
        writer.write(record("done-1", RunStatus.COMPLETED, plan.configs().get(0)), results(), WriteMode.CREATE_NEW);
        // a failed attempt and a run of another config finish nothing
        writer.write(record("failed-2", RunStatus.FAILED, plan.configs().get(1)), results(), WriteMode.CREATE_NEW);
        var otherBase = ConfigLoader.load(null, List.of("data.path=/elsewhere", "results=" + results()));
        writer.write(record("other", RunStatus.COMPLETED, otherBase), results(), WriteMode.CREATE_NEW);
        Files.writeString(tmp.resolve("results/notes.json"), "{\"not\": \"a record\"}");

        var ran = Collections.synchronizedList(new ArrayList<Integer>());
        var first = sweep(plan, (point, config, attempt) -> {
            ran.add(point.index());
            return "run-" + point.index();
        }).run();
        assertEquals(List.of(2, 3, 4), ran);
        assertEquals("done-1", first.points().get(0).runId());
        assertEquals(0, first.points().get(0).attempts());
        assertTrue(log.toString().contains("sweep t: 4 points, 1 already completed, 3 to run"), log.toString());

        // the fake runner wrote no records, so a rerun still finds only point 1 done
        assertEquals(1, Sweep.status(plan, HADOOP).count(PointStatus.COMPLETED));
    }

    @Test
    void aClusterMasterRunsUpToConcurrencyPointsAtOnce() throws Exception {
        var plan = plan("spark://127.0.0.1:7077", 2, 0);
        var running = new AtomicInteger();
        var most = new AtomicInteger();
        // the first two points wait for each other (not for a fixed time: a loaded host writes the index slowly)
        var firstTwo = new CountDownLatch(2);
        var index = sweep(plan, (point, config, attempt) -> {
            most.accumulateAndGet(running.incrementAndGet(), Math::max);
            firstTwo.countDown();
            firstTwo.await(60, TimeUnit.SECONDS);
            running.decrementAndGet();
            return "run-" + point.index();
        }).run();
        assertEquals(4, index.count(PointStatus.COMPLETED));
        assertEquals(2, most.get());
    }

    @Test
    void localPointsCannotRunConcurrently() {
        var e = assertThrows(IllegalArgumentException.class,
                () -> sweep(plan("local[2]", 2, 0), (point, config, attempt) -> "x").run());
        assertTrue(e.getMessage().startsWith("concurrency: 2 needs a cluster master"), e.getMessage());
    }

    @Test
    void theConfigFileOfASubmittedPointLoadsBackToTheSameConfig() throws IOException {
        var config = plan("spark://127.0.0.1:7077", 1, 0).configs().get(3);
        Path file = LauncherRunner.writeConfig(tmp.resolve("point.yaml"), config);
        assertEquals(config, ConfigLoader.load(file, List.of()));
    }

    /** 2 attentions x 2 seeds. */
    private SweepPlan plan(String master, int concurrency, int retries) {
        var spec = new SweepSpec("t", null, Map.of("data.path", "/data/fmnist", "model.position", "post"),
                SweepPlanTest.grid("model.attention", List.of("se", "eca")), null, List.of(1L, 2L), results(), master,
                concurrency, retries, SweepSpec.Submit.DEFAULT);
        return SweepPlan.of(spec);
    }

    private Sweep sweep(SweepPlan plan, PointRunner runner) {
        return new Sweep(plan, runner, HADOOP, new PrintStream(log, true));
    }

    private String results() {
        return tmp.resolve("results").toString();
    }

    private static RunRecord record(String runId, RunStatus status, TrainConfig config) {
        var r = RunRecords.completed(runId, config.model().backbone(), config.model().attention(), config.recipe().seed(), 0.5);
        return new RunRecord(r.schemaVersion(), runId, status, status == RunStatus.FAILED ? "boom" : null, r.backbone(),
                r.attention(), r.attentionOptions(), r.position(), r.defaultPlacement(), r.seed(), ConfigLoader.toMap(config), r.epochs(),
                r.finalTop1(), r.finalTop5(), r.bestTop1(), r.parameterCount(), r.wallTimeSeconds(), r.imagesPerSecond(),
                r.sparkMaster(), r.workers(), r.resumed(), r.provenance(), r.dataset(), r.experiment(),
                r.gpuAssignments());
    }
}
