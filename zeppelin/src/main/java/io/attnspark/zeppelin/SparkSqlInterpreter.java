package io.attnspark.zeppelin;

import org.apache.spark.SparkStageInfo;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.AnalysisException;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.zeppelin.interpreter.Interpreter;
import org.apache.zeppelin.interpreter.InterpreterContext;
import org.apache.zeppelin.interpreter.InterpreterResult;

import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Properties;

/**
 * Zeppelin's {@code %spark.sql} in plain Java: each paragraph is one Spark SQL statement on a Spark 3.5 session, and
 * its rows come back as a Zeppelin TABLE. Zeppelin's stock Spark interpreter needs a Scala REPL module that is not on
 * Maven Central for Spark 3.5; this one needs only Spark, so attnspark's notes can be run in a real Zeppelin server.
 * The {@code spark.*} interpreter properties configure the session; {@code ${form}} and {@code $${form}} are filled in
 * by Zeppelin before a paragraph reaches {@link #interpret}.
 */
public class SparkSqlInterpreter extends Interpreter {

    static final String MAX_RESULT = "zeppelin.spark.maxResult";

    private SparkSession spark;

    public SparkSqlInterpreter(Properties properties) {
        super(properties);
    }

    @Override
    public void open() {
        SparkSession.Builder builder = SparkSession.builder().appName("Zeppelin");
        properties.stringPropertyNames().stream().filter(key -> key.startsWith("spark."))
                .filter(key -> !properties.getProperty(key).isBlank())
                .forEach(key -> builder.config(key, properties.getProperty(key)));
        spark = builder.getOrCreate();
    }

    @Override
    public void close() {
        if (spark != null) {
            spark.stop();
            spark = null;
        }
    }

    @Override
    public InterpreterResult interpret(String sql, InterpreterContext context) {
        JavaSparkContext sc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        sc.setJobGroup(jobGroup(context), "Zeppelin paragraph " + context.getParagraphId(), true);
        try {
            int maxResult = Integer.parseInt(getProperty(MAX_RESULT, "1000"));
            var result = spark.sql(sql);
            List<Row> rows = result.takeAsList(maxResult + 1);
            InterpreterResult table = new InterpreterResult(InterpreterResult.Code.SUCCESS,
                    InterpreterResult.Type.TABLE, TableText.of(result.columns(), rows.stream().limit(maxResult)));
            if (rows.size() > maxResult) {
                table.add(InterpreterResult.Type.TEXT, "Only the first " + maxResult + " rows are shown (" + MAX_RESULT
                        + ").");
            }
            return table;
        } catch (Exception e) {
            // Spark's Scala code throws AnalysisException undeclared; its simple message leaves out the logical plan
            return new InterpreterResult(InterpreterResult.Code.ERROR, e instanceof AnalysisException analysis
                    ? analysis.getSimpleMessage() : e.getClass().getSimpleName() + ": " + e.getMessage());
        } finally {
            sc.clearJobGroup();
        }
    }

    @Override
    public void cancel(InterpreterContext context) {
        spark.sparkContext().cancelJobGroup(jobGroup(context));
    }

    @Override
    public FormType getFormType() {
        return FormType.SIMPLE;
    }

    /** The share of finished tasks of the paragraph's running Spark jobs, in percent. */
    @Override
    public int getProgress(InterpreterContext context) {
        var tracker = JavaSparkContext.fromSparkContext(spark.sparkContext()).statusTracker();
        List<SparkStageInfo> stages = Arrays.stream(tracker.getJobIdsForGroup(jobGroup(context)))
                .mapToObj(tracker::getJobInfo).filter(Objects::nonNull)
                .flatMapToInt(job -> Arrays.stream(job.stageIds())).mapToObj(tracker::getStageInfo)
                .filter(Objects::nonNull).toList();
        int tasks = stages.stream().mapToInt(SparkStageInfo::numTasks).sum();
        int done = stages.stream().mapToInt(SparkStageInfo::numCompletedTasks).sum();
        return tasks == 0 ? 0 : 100 * done / tasks;
    }

    private static String jobGroup(InterpreterContext context) {
        return "zeppelin-" + context.getParagraphId();
    }
}
