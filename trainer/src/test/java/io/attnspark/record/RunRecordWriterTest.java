package io.attnspark.record;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileAlreadyExistsException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RunRecordWriterTest {

    private final Configuration conf = new Configuration();
    private final RunRecordWriter writer = new RunRecordWriter(conf);
    private final RunRecordReader reader = new RunRecordReader(conf);

    @TempDir
    Path dir;

    @Test
    void writesToAPlainPathAndReadsBackAnEqualRecord() throws IOException {
        RunRecord record = RunRecords.completed("resnet18-se-s1", "resnet18", "se", 1, 0.71);
        Path records = dir.resolve("results/nested");

        org.apache.hadoop.fs.Path written = writer.write(record, records.toString(), WriteMode.CREATE_NEW);

        assertEquals(records.resolve("resnet18-se-s1.json").toUri(), Path.of(written.toUri()).toUri());
        assertEquals(List.of("resnet18-se-s1.json"), visibleFiles(records));
        assertNoTemporaryFiles(records);
        assertEquals(record, reader.read(records.resolve("resnet18-se-s1.json").toString()));
    }

    @Test
    void writesToAFileUri() throws IOException {
        RunRecord record = RunRecords.completed("r1", "resnet50", "none", 3, 0.76);
        String uri = dir.toUri().toString();
        assertTrue(uri.startsWith("file:/"), uri);

        writer.write(record, uri, WriteMode.CREATE_NEW);

        assertEquals(record, reader.read(dir.toUri().resolve("r1.json").toString()));
        assertEquals(record, RunRecordJson.fromBytes(Files.readAllBytes(dir.resolve("r1.json"))));
        assertNoTemporaryFiles(dir);
    }

    @Test
    void createNewKeepsAnExistingRecord() throws IOException {
        RunRecord first = RunRecords.completed("r1", "resnet18", "se", 1, 0.70);
        writer.write(first, dir.toString(), WriteMode.CREATE_NEW);
        byte[] before = Files.readAllBytes(dir.resolve("r1.json"));

        assertThrows(FileAlreadyExistsException.class, () -> writer.write(
                RunRecords.completed("r1", "resnet18", "se", 1, 0.75), dir.toString(), WriteMode.CREATE_NEW));

        assertArrayEquals(before, Files.readAllBytes(dir.resolve("r1.json")));
        assertEquals(List.of("r1.json"), visibleFiles(dir));
        assertNoTemporaryFiles(dir);
    }

    @Test
    void overwriteReplacesAnExistingRecord() throws IOException {
        writer.write(RunRecords.completed("r1", "resnet18", "se", 1, 0.70), dir.toString(), WriteMode.CREATE_NEW);
        RunRecord second = RunRecords.completed("r1", "resnet18", "se", 1, 0.75);

        writer.write(second, dir.toString(), WriteMode.OVERWRITE);

        assertEquals(second, reader.read(dir.resolve("r1.json").toString()));
        assertEquals(List.of("r1.json"), visibleFiles(dir));
        assertNoTemporaryFiles(dir);
    }

    @Test
    void readerNamesTheFileOfAnInvalidRecord() throws IOException {
        Path truncated = dir.resolve("truncated.json");
        String json = new String(RunRecordJson.toBytes(RunRecords.completed("r1", "resnet18", "se", 1, 0.7)),
                StandardCharsets.UTF_8);
        Files.writeString(truncated, json.substring(0, json.length() / 2));

        IOException e = assertThrows(IOException.class, () -> reader.read(truncated.toString()));

        assertTrue(e.getMessage().contains(truncated.toString()), e.getMessage());
    }

    private static List<String> visibleFiles(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(file -> file.getFileName().toString()).filter(name -> !name.startsWith(".")).sorted()
                    .toList();
        }
    }

    private static void assertNoTemporaryFiles(Path dir) throws IOException {
        try (Stream<Path> files = Files.walk(dir)) {
            List<Path> temporary = files.filter(file -> file.getFileName().toString().contains(".tmp")).toList();
            assertEquals(List.of(), temporary);
        }
    }
}
