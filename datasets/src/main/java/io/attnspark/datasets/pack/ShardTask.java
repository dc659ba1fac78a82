package io.attnspark.datasets.pack;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;

/** One shard for an executor to write: the source URIs and the names stored in the zip, in order. */
record ShardTask(String split, int index, List<String> sources, List<String> storedNames) implements Serializable {
    ShardTask {
        sources = new ArrayList<>(sources);
        storedNames = new ArrayList<>(storedNames);
    }
}
