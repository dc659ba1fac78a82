package io.attnspark.train;

import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.impl.Log4jLogEvent;
import org.apache.logging.log4j.message.SimpleMessage;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A normal run prints no WARN lines: the known harmless ones are turned off, other warnings of the same loggers stay. */
class LoggingTest {

    @Test
    void harmlessWarningsAreOffAndOthersStay() {
        var config = ((LoggerContext) LogManager.getContext(false)).getConfiguration();
        assertFalse(LogManager.getLogger("org.deeplearning4j.nn.conf.inputs.InputType").isWarnEnabled());
        assertFalse(LogManager.getLogger("org.apache.spark.sql.catalyst.util.SparkStringUtils").isWarnEnabled());

        var utils = config.getLoggerConfig("org.apache.spark.util.Utils");
        assertTrue(utils.isFiltered(warning("Your hostname, box resolves to a loopback address: 127.0.1.1; using"
                + " 10.0.0.2 instead (on interface eth0)")));
        assertTrue(utils.isFiltered(warning("Set SPARK_LOCAL_IP if you need to bind to another address")));
        assertFalse(utils.isFiltered(warning("Service 'sparkDriver' could not bind on port 7078. Attempting port 7079.")));
        assertTrue(LogManager.getLogger("org.apache.spark.util.Utils").isWarnEnabled());
    }

    private static Log4jLogEvent warning(String message) {
        return Log4jLogEvent.newBuilder().setLoggerName("org.apache.spark.util.Utils").setLevel(Level.WARN)
                .setMessage(new SimpleMessage(message)).build();
    }
}
