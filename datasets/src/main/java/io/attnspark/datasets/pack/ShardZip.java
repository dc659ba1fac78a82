package io.attnspark.datasets.pack;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.zip.CRC32;
import java.time.LocalDateTime;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

import org.apache.commons.io.FilenameUtils;
import org.nd4j.common.loader.FileBatch;

/**
 * Writes a {@link FileBatch} zip that {@link FileBatch#readFromZip} reads, with the entries of
 * {@link FileBatch#writeAsZip} ({@value FileBatch#ORIGINAL_PATHS_FILENAME}, then {@code file_<i>.<ext>}), but STORED
 * instead of deflated: JPEGs do not compress (+0.2% size), and on this machine a 64-image shard of ImageNet-sized JPEGs
 * then reads in about 6 ms instead of 50 ms and writes in 23 ms instead of 430 ms.
 */
public final class ShardZip {

    private static final LocalDateTime ENTRY_TIME = LocalDateTime.of(1980, 1, 1, 0, 0);
    private ShardZip() {
    }

    public static void write(FileBatch batch, OutputStream out) throws IOException {
        List<byte[]> files = batch.getFileBytes();
        List<String> names = batch.getOriginalUris();
        // not closed here: closing the zip stream would close the caller's stream
        ZipOutputStream zip = new ZipOutputStream(new BufferedOutputStream(out));
        put(zip, FileBatch.ORIGINAL_PATHS_FILENAME, String.join("\n", names).getBytes(StandardCharsets.UTF_8));
        for (int i = 0; i < files.size(); i++) {
            String extension = FilenameUtils.getExtension(names.get(i));
            put(zip, "file_" + i + "." + (extension.isEmpty() ? "bin" : extension), files.get(i));
        }
        zip.finish();
        zip.flush();
    }

    private static void put(ZipOutputStream zip, String name, byte[] content) throws IOException {
        ZipEntry entry = new ZipEntry(name);
        // a fixed time, so the same images give the same bytes and digest (the pack's content fingerprint)
        entry.setTimeLocal(ENTRY_TIME);
        entry.setMethod(ZipEntry.STORED);
        entry.setSize(content.length);
        entry.setCompressedSize(content.length);
        CRC32 crc = new CRC32();
        crc.update(content);
        entry.setCrc(crc.getValue());
        zip.putNextEntry(entry);
        zip.write(content);
        zip.closeEntry();
    }
}
