package io.attnspark.zeppelin;

import org.apache.zeppelin.interpreter.Interpreter;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.stream.Stream;

/**
 * A ZEPPELIN_HOME made of Maven jars, as Zeppelin's binary tarball would lay it out: {@code bin/interpreter.sh} (ours,
 * from {@code zeppelin/home}), {@code interpreter/zeppelin-interpreter-shaded-*.jar}, {@code interpreter/spark} with
 * attnspark's %spark.sql interpreter, and {@code interpreter/md} with Zeppelin's markdown interpreter.
 */
record ZeppelinHome(Path dir) {

    /** What the markdown interpreter needs of the server's jars; the shaded API jar leaves logging out. */
    private static final List<String> MARKDOWN_JARS = List.of("zeppelin-markdown-", "flexmark", "markdown4j-", "pegdown-",
            "parboiled-", "asm-", "autolink-", "jsoup-", "commons-lang3-", "commons-text-", "slf4j-api-",
            "slf4j-reload4j-", "reload4j-", "jcl-over-slf4j-");

    /**
     * @param root          the attnspark checkout (templates and the built jars)
     * @param serverLib     the server's jars ({@code zeppelin/server/target/lib})
     * @param interpreterJar attnspark's interpreter jar
     */
    static ZeppelinHome assemble(Path root, Path serverLib, Path interpreterJar, Path dir) throws IOException {
        Path template = root.resolve("zeppelin/home");
        copy(template.resolve("bin/interpreter.sh"), dir.resolve("bin/interpreter.sh")).toFile().setExecutable(true);
        copy(template.resolve("conf/log4j.properties"), dir.resolve("conf/log4j.properties"));
        copy(root.resolve("cluster-config/java17.args"), dir.resolve("conf/java17.args"));
        Path interpreters = dir.resolve("interpreter");
        link(shadedInterpreterApi(), interpreters);
        link(interpreterJar, interpreters.resolve("spark"));
        try (Stream<Path> jars = Files.list(serverLib)) {
            for (Path jar : jars.filter(ZeppelinHome::markdownNeeds).toList()) {
                link(jar, interpreters.resolve("md"));
            }
        }
        for (String empty : List.of("notebook", "logs", "local-repo", "webapp", "webapp-next")) {
            Files.createDirectories(dir.resolve(empty));
        }
        return new ZeppelinHome(dir);
    }

    Path interpreterLauncher() {
        return dir.resolve("bin/interpreter.sh");
    }

    Path log(String name) {
        return dir.resolve("logs").resolve(name);
    }

    private static boolean markdownNeeds(Path jar) {
        String name = jar.getFileName().toString();
        return MARKDOWN_JARS.stream().anyMatch(name::startsWith);
    }

    /** The zeppelin-interpreter-shaded jar this module compiles against (on the test classpath). */
    private static Path shadedInterpreterApi() {
        try {
            return Path.of(Interpreter.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Path copy(Path from, Path to) throws IOException {
        Files.createDirectories(to.getParent());
        return Files.copy(from, to, StandardCopyOption.REPLACE_EXISTING);
    }

    private static void link(Path jar, Path directory) throws IOException {
        Files.createDirectories(directory);
        Files.createSymbolicLink(directory.resolve(jar.getFileName()), jar.toAbsolutePath());
    }
}
