package io.attnspark.datasets.pack;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;

import org.junit.jupiter.api.Test;
import org.nd4j.common.loader.FileBatch;

class ShardZipTest {
    @Test
    void dl4jReadsTheStoredZipAndItHasTheEntriesDl4jWrites() throws IOException {
        FileBatch batch = new FileBatch(List.of("jpeg bytes".getBytes(StandardCharsets.US_ASCII), new byte[0],
                new byte[] {1, 2, 3}), List.of("n01/a.JPEG", "n02/b.png", "n03/noext"));
        ByteArrayOutputStream stored = new ByteArrayOutputStream();
        ByteArrayOutputStream deflated = new ByteArrayOutputStream();

        ShardZip.write(batch, stored);
        batch.writeAsZip(deflated);

        FileBatch read = FileBatch.readFromZip(new ByteArrayInputStream(stored.toByteArray()));
        assertEquals(batch.getOriginalUris(), read.getOriginalUris());
        for (int i = 0; i < 3; i++) {
            assertArrayEquals(batch.getFileBytes().get(i), read.getFileBytes().get(i));
        }
        assertEquals(entries(deflated.toByteArray(), false), entries(stored.toByteArray(), false));
        assertEquals(List.of(ZipEntry.STORED, ZipEntry.STORED, ZipEntry.STORED, ZipEntry.STORED).toString(),
                entries(stored.toByteArray(), true).toString());
    }

    /** Entry names in order, or their compression methods. */
    private static List<Object> entries(byte[] zip, boolean methods) throws IOException {
        List<Object> result = new ArrayList<>();
        try (ZipInputStream in = new ZipInputStream(new ByteArrayInputStream(zip))) {
            for (ZipEntry entry = in.getNextEntry(); entry != null; entry = in.getNextEntry()) {
                result.add(methods ? (Object) entry.getMethod() : entry.getName());
            }
        }
        return result;
    }
}
