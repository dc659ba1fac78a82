package io.attnspark.cli;

import io.attnspark.train.SparkSetup;
import org.apache.spark.sql.SparkSession;

import java.util.Map;

/** A small Spark for driver-side work such as aggregation: spark-submit's master if any, else local. */
final class LocalSpark {
    private LocalSpark() { }

    static SparkSession session(String appName) {
        var conf = SparkSetup.conf(appName, null, Map.of("spark.sql.shuffle.partitions", "4"));
        return SparkSession.builder().config(conf).getOrCreate();
    }
}
