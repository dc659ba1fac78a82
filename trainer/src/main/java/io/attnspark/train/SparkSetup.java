package io.attnspark.train;

import io.attnspark.datasets.spark.KryoRegistrator;
import org.apache.spark.SparkConf;
import org.deeplearning4j.spark.time.SystemClockTimeSource;
import org.deeplearning4j.spark.time.TimeSourceProvider;

import java.util.List;
import java.util.Map;

/** The Spark settings every attnspark job needs, applied where the user has not set them. */
public final class SparkSetup {

    public static final String DEFAULT_MASTER = "local[*]";
    public static final String DRIVER_OPTIONS = "spark.driver.extraJavaOptions";
    private static final String EXECUTOR_OPTIONS = "spark.executor.extraJavaOptions";

    // DL4J's training stats default to an NTP clock that queries pool.ntp.org; workers and driver use their own clock
    private static final String STATS_CLOCK = TimeSourceProvider.TIMESOURCE_CLASSNAME_PROPERTY;
    private static final String SYSTEM_CLOCK = SystemClockTimeSource.class.getName();

    /** Makes this JVM's DL4J training stats use the system clock; call before stats collection starts. */
    public static void useSystemClockForStats() {
        System.setProperty(STATS_CLOCK, SYSTEM_CLOCK);
    }

    private SparkSetup() { }

    /**
     * @param master null keeps spark-submit's master ({@code spark.master}), or else runs embedded {@value #DEFAULT_MASTER}
     */
    public static SparkConf conf(String appName, String master, Map<String, String> extra) {
        var conf = new SparkConf().setAppName(appName);
        conf.setMaster(master != null ? master : conf.get("spark.master", DEFAULT_MASTER));
        conf.setIfMissing("spark.serializer", "org.apache.spark.serializer.KryoSerializer");
        conf.setIfMissing("spark.kryo.registrator", KryoRegistrator.class.getName());
        // Training tasks are long and CPU-bound: waiting for data locality only idles workers.
        conf.setIfMissing("spark.locality.wait", "0");
        if (conf.get("spark.master").startsWith("local")) {
            conf.setIfMissing("spark.driver.host", "127.0.0.1");
            conf.setIfMissing("spark.driver.bindAddress", "127.0.0.1");
            conf.setIfMissing("spark.ui.enabled", "false");
        }
        conf.setIfMissing("spark.executorEnv." + NativeBackend.OMP_WAIT_POLICY, NativeBackend.PASSIVE);
        conf.setIfMissing("spark.executorEnv." + NativeBackend.TCMALLOC_RELEASE_RATE, NativeBackend.RELEASE_RATE);
        extra.forEach(conf::set);
        for (String option : List.of(NativeBackend.EXECUTOR_JAVA_OPTION, NativeBackend.VECTOR_MODULE_OPTION,
                "-D" + STATS_CLOCK + "=" + SYSTEM_CLOCK)) {
            addExecutorJavaOption(conf, option);
        }
        return conf;
    }

    /** Appends a JVM option to {@code spark.executor.extraJavaOptions} unless it is there already. */
    public static void addExecutorJavaOption(SparkConf conf, String option) {
        conf.set(EXECUTOR_OPTIONS, withOption(conf.get(EXECUTOR_OPTIONS, ""), option));
    }

    /**
     * {@code spark.driver.extraJavaOptions} for a driver that spark-submit starts: the given ones and the vector
     * module, which only the JVM's command line can add.
     */
    public static String driverJavaOptions(Map<String, String> given) {
        return withOption(given.getOrDefault(DRIVER_OPTIONS, ""), NativeBackend.VECTOR_MODULE_OPTION);
    }

    private static String withOption(String options, String option) {
        return options.contains(option) ? options : (options + " " + option).trim();
    }
}
