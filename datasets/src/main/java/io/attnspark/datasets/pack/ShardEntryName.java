package io.attnspark.datasets.pack;

/**
 * The name an image has inside a shard, {@code <class-id>/<file-name>}: the packer writes it, the loader reads the
 * label back from it, so the class travels with the bytes and a shard needs no separate label file.
 */
public final class ShardEntryName {

    private ShardEntryName() { }

    /** The stored name of the image at {@code uri} (only its last path segment is kept) in class {@code classId}. */
    public static String of(String classId, String uri) {
        return classId + "/" + uri.substring(uri.lastIndexOf('/') + 1);
    }

    /** The class id of a stored name: its last directory segment; empty when the name has none. */
    public static String classIdOf(String storedName) {
        int slash = storedName.lastIndexOf('/');
        if (slash < 0) {
            return "";
        }
        int previous = storedName.lastIndexOf('/', slash - 1);
        return storedName.substring(previous + 1, slash);
    }
}
