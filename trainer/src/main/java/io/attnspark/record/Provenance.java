package io.attnspark.record;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

/**
 * Where and with what a run was produced, so that a number in a table can be traced back to code and versions.
 *
 * @param gitCommit        commit of the attnspark checkout, or {@value #UNKNOWN}
 * @param attnsparkVersion version of the attnspark trainer jar, or {@value #UNKNOWN} when run from classes
 * @param dl4jVersion      version of deeplearning4j-nn on the classpath
 * @param sparkVersion     version of the Spark driver
 * @param javaVersion      version of the driver JVM
 * @param host             host name of the driver
 * @param startedAt        ISO-8601 instant the run started
 * @param finishedAt       ISO-8601 instant the run ended
 */
public record Provenance(String gitCommit, String attnsparkVersion, String dl4jVersion, String sparkVersion,
                         String javaVersion, String host, String startedAt, String finishedAt) {

    public static final String UNKNOWN = "unknown";

    private static final Pattern GIT_COMMIT = Pattern.compile("[0-9a-f]{40}");
    private static final long GIT_TIMEOUT_SECONDS = 5;

    public Provenance {
        Checks.nonBlank(gitCommit, "provenance.gitCommit");
        Checks.nonBlank(attnsparkVersion, "provenance.attnsparkVersion");
        Checks.nonBlank(dl4jVersion, "provenance.dl4jVersion");
        Checks.nonBlank(sparkVersion, "provenance.sparkVersion");
        Checks.nonBlank(javaVersion, "provenance.javaVersion");
        Checks.nonBlank(host, "provenance.host");
        Instant start = instant(startedAt, "provenance.startedAt");
        Instant end = instant(finishedAt, "provenance.finishedAt");
        if (end.isBefore(start)) {
            throw new IllegalArgumentException("provenance.finishedAt " + finishedAt + " is before startedAt "
                    + startedAt);
        }
    }

    /**
     * The provenance of a run driven from this JVM.
     *
     * @param sparkVersion the driver's {@code SparkContext.version()}
     */
    public static Provenance current(String sparkVersion, Instant startedAt, Instant finishedAt) {
        return new Provenance(currentGitCommit(), mavenVersion("io.attnspark", "attnspark-trainer"),
                mavenVersion("org.deeplearning4j", "deeplearning4j-nn"), sparkVersion,
                System.getProperty("java.version"), hostName(), startedAt.toString(), finishedAt.toString());
    }

    /**
     * {@code git rev-parse HEAD} in the attnspark checkout ({@code -Dattnspark.root}, else the working directory);
     * {@value #UNKNOWN} where there is no git or no checkout, e.g. on a cluster node that only has the jars.
     */
    static String currentGitCommit() {
        Path checkout = Path.of(System.getProperty("attnspark.root", System.getProperty("user.dir")));
        try {
            Process git = new ProcessBuilder("git", "rev-parse", "HEAD")
                    .directory(checkout.toFile())
                    .redirectError(ProcessBuilder.Redirect.DISCARD)
                    .start();
            String out;
            try (InputStream stdout = git.getInputStream()) {
                out = new String(stdout.readAllBytes(), StandardCharsets.US_ASCII).trim();
            }
            if (!git.waitFor(GIT_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                git.destroyForcibly();
                return UNKNOWN;
            }
            return git.exitValue() == 0 && GIT_COMMIT.matcher(out).matches() ? out : UNKNOWN;
        } catch (IOException e) {
            return UNKNOWN;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return UNKNOWN;
        }
    }

    /** The version in the {@code pom.properties} that Maven packs into every jar it builds. */
    static String mavenVersion(String groupId, String artifactId) {
        String resource = "META-INF/maven/" + groupId + "/" + artifactId + "/pom.properties";
        try (InputStream in = Provenance.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                return UNKNOWN;
            }
            Properties properties = new Properties();
            properties.load(in);
            return properties.getProperty("version", UNKNOWN);
        } catch (IOException e) {
            return UNKNOWN;
        }
    }

    private static String hostName() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            String fromEnvironment = System.getenv("HOSTNAME");
            return fromEnvironment == null || fromEnvironment.isBlank() ? UNKNOWN : fromEnvironment;
        }
    }

    private static Instant instant(String value, String name) {
        Checks.nonBlank(value, name);
        try {
            return Instant.parse(value);
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException(name + " must be an ISO-8601 instant such as 2024-05-01T12:00:00Z, got '"
                    + value + "'", e);
        }
    }
}
