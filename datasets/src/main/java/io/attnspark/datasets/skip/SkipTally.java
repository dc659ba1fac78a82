package io.attnspark.datasets.skip;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Skipped files counted per reason, plus the first {@value #EXAMPLES} of them named ({@code "<name>: <why>"}).
 * Immutable; {@link #plus} merges two tallies, so partial tallies from Spark tasks add up on the driver.
 *
 * @param counts skipped files per reason; reasons with no skip are absent
 * @param examples the first few skipped files with the reason, in the order they were merged
 */
public record SkipTally(Map<SkipReason, Long> counts, List<String> examples) implements Serializable {
    /** Skipped files named per tally; the rest are only counted. */
    public static final int EXAMPLES = 10;
    public static final SkipTally NONE = new SkipTally(Map.of(), List.of());

    public SkipTally {
        Map<SkipReason, Long> copy = new TreeMap<>();
        counts.forEach((reason, count) -> {
            if (count < 0) {
                throw new IllegalArgumentException("skip count for " + reason + " must be >= 0, got " + count);
            }
            if (count > 0) {
                copy.put(reason, count);
            }
        });
        counts = Collections.unmodifiableMap(copy);
        examples = List.copyOf(examples.subList(0, Math.min(EXAMPLES, examples.size())));
    }

    /** One skipped file. */
    public static SkipTally of(SkipReason reason, String name, String why) {
        return new SkipTally(Map.of(reason, 1L), List.of(name + ": " + why));
    }

    /** The same reason for several files, named by the caller (e.g. unknown class ids found while listing). */
    public static SkipTally of(SkipReason reason, long count, List<String> examples) {
        return new SkipTally(Map.of(reason, count), examples);
    }

    public SkipTally plus(SkipTally other) {
        if (other.total() == 0) {
            return this;
        }
        if (total() == 0) {
            return other;
        }
        Map<SkipReason, Long> sum = new EnumMap<>(SkipReason.class);
        sum.putAll(counts);
        other.counts.forEach((reason, count) -> sum.merge(reason, count, Long::sum));
        List<String> names = new ArrayList<>(examples);
        names.addAll(other.examples);
        return new SkipTally(sum, names);
    }

    public long count(SkipReason reason) {
        return counts.getOrDefault(reason, 0L);
    }

    public long total() {
        return counts.values().stream().mapToLong(Long::longValue).sum();
    }

    /** e.g. {@code "3 skipped (EMPTY_FILE 1, TRUNCATED 2)"} or {@code "none skipped"}. */
    public String summary() {
        if (total() == 0) {
            return "none skipped";
        }
        StringBuilder text = new StringBuilder().append(total()).append(" skipped (");
        String separator = "";
        for (Map.Entry<SkipReason, Long> entry : counts.entrySet()) {
            text.append(separator).append(entry.getKey()).append(' ').append(entry.getValue());
            separator = ", ";
        }
        return text.append(')').toString();
    }
}
