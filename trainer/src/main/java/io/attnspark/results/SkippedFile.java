package io.attnspark.results;

/**
 * A record file left out of the aggregate.
 *
 * @param file   its URI, as Spark read it
 * @param reason why it was left out
 */
public record SkippedFile(String file, String reason) {
}
