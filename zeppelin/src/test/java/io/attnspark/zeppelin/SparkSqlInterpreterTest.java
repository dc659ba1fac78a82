package io.attnspark.zeppelin;

import org.apache.zeppelin.interpreter.Interpreter;
import org.apache.zeppelin.interpreter.InterpreterContext;
import org.apache.zeppelin.interpreter.InterpreterResult;
import org.apache.zeppelin.interpreter.InterpreterResultMessage;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Properties;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The interpreter on its own, through Zeppelin's Interpreter API: SQL in, TABLE text or an error result out. */
class SparkSqlInterpreterTest {

    private static SparkSqlInterpreter interpreter;

    @BeforeAll
    static void open() {
        Properties properties = new Properties();
        properties.setProperty("spark.master", "local[1]");
        properties.setProperty("spark.ui.enabled", "false");
        properties.setProperty("spark.driver.host", "127.0.0.1");
        properties.setProperty("spark.driver.bindAddress", "127.0.0.1");
        properties.setProperty(SparkSqlInterpreter.MAX_RESULT, "3");
        interpreter = new SparkSqlInterpreter(properties);
        interpreter.open();
    }

    @AfterAll
    static void close() {
        interpreter.close();
    }

    @Test
    void rowsComeBackAsATable() {
        InterpreterResult result = interpreter.interpret(
                "SELECT 1 AS n, 'a\tb' AS text, CAST(NULL AS DOUBLE) AS missing, 0.5 AS half", paragraph());

        assertEquals(InterpreterResult.Code.SUCCESS, result.code());
        assertEquals(List.of(InterpreterResult.Type.TABLE), types(result));
        assertEquals("n\ttext\tmissing\thalf\n1\ta b\tnull\t0.5\n", result.message().get(0).getData());
    }

    @Test
    void longResultsAreCutAtMaxResultWithANote() {
        InterpreterResult result = interpreter.interpret("SELECT id FROM range(10)", paragraph());

        assertEquals(InterpreterResult.Code.SUCCESS, result.code());
        assertEquals(List.of(InterpreterResult.Type.TABLE, InterpreterResult.Type.TEXT), types(result));
        assertEquals("id\n0\n1\n2\n", result.message().get(0).getData());
        assertTrue(result.message().get(1).getData().contains("zeppelin.spark.maxResult"));
    }

    @Test
    void badSqlIsAnErrorResultNamingTheProblem() {
        InterpreterResult result = interpreter.interpret("SELECT nope FROM parquet.`/no/such/dir`", paragraph());

        assertEquals(InterpreterResult.Code.ERROR, result.code());
        String message = result.message().get(0).getData();
        assertTrue(message.contains("PATH_NOT_FOUND") && message.contains("/no/such/dir"), message);
        assertFalse(message.contains("Project"), "no logical plan: " + message);
    }

    @Test
    void formsAreFilledInByZeppelinSoTheInterpreterDeclaresSimpleForms() {
        assertEquals(Interpreter.FormType.SIMPLE, interpreter.getFormType());
    }

    @Test
    void progressCountsTheTasksOfTheParagraphsOwnJobs() {
        InterpreterContext fresh = paragraph("progress");
        assertEquals(0, interpreter.getProgress(fresh));
        interpreter.interpret("SELECT count(*) FROM range(100)", fresh);
        assertEquals(100, interpreter.getProgress(fresh));
    }

    private static InterpreterContext paragraph() {
        return paragraph("paragraph");
    }

    private static InterpreterContext paragraph(String id) {
        return InterpreterContext.builder().setNoteId("note").setParagraphId(id).build();
    }

    private static List<InterpreterResult.Type> types(InterpreterResult result) {
        return result.message().stream().map(InterpreterResultMessage::getType).toList();
    }
}
