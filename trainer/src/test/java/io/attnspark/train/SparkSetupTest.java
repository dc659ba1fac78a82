package io.attnspark.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;

class SparkSetupTest {

    @Test
    void executorsGetTheHelperSwitchAndSleepingOpenMpThreads() {
        var conf = SparkSetup.conf("test", "local[2]", Map.of());

        assertEquals("PASSIVE", conf.get("spark.executorEnv.OMP_WAIT_POLICY"));
        assertEquals("10", conf.get("spark.executorEnv.TCMALLOC_RELEASE_RATE"));
        assertTrue(conf.get("spark.executor.extraJavaOptions").contains(NativeBackend.EXECUTOR_JAVA_OPTION),
                conf.get("spark.executor.extraJavaOptions"));
        assertTrue(conf.get("spark.executor.extraJavaOptions").contains("--add-modules=jdk.incubator.vector"),
                conf.get("spark.executor.extraJavaOptions"));
    }

    @Test
    void launchedDriversGetTheVectorModuleBesideTheirOwnOptions() {
        assertEquals("--add-modules=jdk.incubator.vector", SparkSetup.driverJavaOptions(Map.of()));
        assertEquals("-Xss8m --add-modules=jdk.incubator.vector",
                SparkSetup.driverJavaOptions(Map.of("spark.driver.extraJavaOptions", "-Xss8m")));
        assertEquals("--add-modules=jdk.incubator.vector -Xss8m", SparkSetup.driverJavaOptions(
                Map.of("spark.driver.extraJavaOptions", "--add-modules=jdk.incubator.vector -Xss8m")));
    }

    @Test
    void aWaitPolicyTheUserSetIsKept() {
        var conf = SparkSetup.conf("test", "local[2]", Map.of("spark.executorEnv.OMP_WAIT_POLICY", "ACTIVE"));

        assertEquals("ACTIVE", conf.get("spark.executorEnv.OMP_WAIT_POLICY"));
    }
}
