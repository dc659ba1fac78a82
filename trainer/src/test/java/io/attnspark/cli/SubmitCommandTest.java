package io.attnspark.cli;

import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What submit adds to the user's Spark properties: on YARN one attempt, and a loopback SPARK_LOCAL_IP for the containers. */
class SubmitCommandTest {

    @Test
    void yarnTrainsInOneAttemptWithTheContainersOnTheShellsLoopbackAddress() {
        assertEquals(Map.of("spark.yarn.maxAppAttempts", "1", "spark.executorEnv.SPARK_LOCAL_IP", "127.0.0.1",
                        "spark.yarn.appMasterEnv.SPARK_LOCAL_IP", "127.0.0.1", "spark.executor.cores", "1"),
                SubmitCommand.sparkConf("yarn", Map.of("spark.executor.cores", "1"), "127.0.0.1"));
    }

    @Test
    void theUsersPropertiesWin() {
        var given = Map.of("spark.yarn.maxAppAttempts", "2", "spark.executorEnv.SPARK_LOCAL_IP", "127.0.0.2");
        var conf = SubmitCommand.sparkConf("yarn", given, "127.0.0.1");
        assertEquals("2", conf.get("spark.yarn.maxAppAttempts"));
        assertEquals("127.0.0.2", conf.get("spark.executorEnv.SPARK_LOCAL_IP"));
        assertEquals("127.0.0.1", conf.get("spark.yarn.appMasterEnv.SPARK_LOCAL_IP"));
    }

    @Test
    void anAddressOfThisHostOrNoneStaysHere() {
        assertEquals(Map.of("spark.yarn.maxAppAttempts", "1"), SubmitCommand.sparkConf("yarn", Map.of(), "192.0.2.2"));
        assertEquals(Map.of("spark.yarn.maxAppAttempts", "1"), SubmitCommand.sparkConf("yarn", Map.of(), null));
        var error = assertThrows(IllegalArgumentException.class,
                () -> SubmitCommand.sparkConf("yarn", Map.of(), "no-such-host.invalid"));
        assertTrue(error.getMessage().startsWith("SPARK_LOCAL_IP=no-such-host.invalid does not resolve"), error.getMessage());
    }

    @Test
    void otherMastersGetOnlyTheUsersProperties() {
        var given = Map.of("spark.cores.max", "2");
        assertEquals(given, SubmitCommand.sparkConf("spark://127.0.0.1:7077", given, "127.0.0.1"));
        assertEquals(given, SubmitCommand.sparkConf("k8s://https://127.0.0.1:6443", given, "127.0.0.1"));
    }
}
