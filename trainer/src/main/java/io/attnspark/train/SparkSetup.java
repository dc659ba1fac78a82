package io.attnspark.train;

import io.attnspark.datasets.spark.KryoRegistrator;
import org.apache.spark.SparkConf;

import java.util.Map;

/** The Spark settings every attnspark job needs, applied where the user has not set them. */
public final class SparkSetup {

    public static final String DEFAULT_MASTER = "local[*]";

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
        extra.forEach(conf::set);
        String executorOptions = conf.get("spark.executor.extraJavaOptions", "");
        if (!executorOptions.contains(NativeBackend.EXECUTOR_JAVA_OPTION)) {
            conf.set("spark.executor.extraJavaOptions", (executorOptions + " " + NativeBackend.EXECUTOR_JAVA_OPTION).trim());
        }
        return conf;
    }
}
