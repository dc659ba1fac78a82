package io.attnspark.zeppelin;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A real Zeppelin server (org.apache.zeppelin.server.ZeppelinServer from Maven Central) in its own JVM on the jars of
 * {@code zeppelin/server}, configured by the zeppelin.* system properties ZeppelinConfiguration reads, on 127.0.0.1.
 */
final class ZeppelinServerProcess implements AutoCloseable {

    static final String HOST = "127.0.0.1";

    private final Process process;
    private final URI url;

    private ZeppelinServerProcess(Process process, URI url) {
        this.process = process;
        this.url = url;
    }

    static ZeppelinServerProcess start(ZeppelinHome home, Path serverLib, Map<String, String> environment,
                                       Duration timeout) throws IOException, InterruptedException {
        int port = freePort();
        Path dir = home.dir();
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx512m",
                "-Dlog4j.configuration=file:" + dir.resolve("conf/log4j.properties"),
                "-Dzeppelin.log.file=" + home.log("zeppelin-server.log"),
                "-Dzeppelin.home=" + dir,
                "-Dzeppelin.conf.dir=" + dir.resolve("conf"),
                "-Dzeppelin.server.addr=" + HOST,
                "-Dzeppelin.server.port=" + port,
                "-Dzeppelin.interpreter.dir=" + dir.resolve("interpreter"),
                "-Dzeppelin.interpreter.remoterunner=" + home.interpreterLauncher(),
                "-Dzeppelin.interpreter.localRepo=" + dir.resolve("local-repo"),
                "-Dzeppelin.notebook.dir=" + dir.resolve("notebook"),
                // the default GitNotebookRepo needs a git repository; VFS is a plain folder of .zpln files
                "-Dzeppelin.notebook.storage=org.apache.zeppelin.notebook.repo.VFSNotebookRepo",
                // the web UI is not on Maven Central: empty folders, so Jetty serves the REST API and the websocket
                "-Dzeppelin.war=" + dir.resolve("webapp"),
                "-Dzeppelin.angular.war=" + dir.resolve("webapp-next"),
                "-Dzeppelin.search.enable=false",
                "-Dzeppelin.interpreter.connect.timeout=180000",
                "-Dzeppelin.recovery.storage.class=org.apache.zeppelin.interpreter.recovery.NullRecoveryStorage",
                "-cp", serverLib.resolve("*").toString(),
                "org.apache.zeppelin.server.ZeppelinServer"));
        ProcessBuilder builder = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(home.log("zeppelin-server.out").toFile());
        builder.environment().putAll(environment);
        builder.environment().put("ZEPPELIN_HOME", dir.toString());
        // the advertised address of the server's and the interpreters' thrift endpoints
        builder.environment().put("ZEPPELIN_LOCAL_IP", HOST);
        // without it ZeppelinServer.main reads stdin and exits at its end
        builder.environment().put("ZEPPELIN_IDENT_STRING", "attnspark-it");
        ZeppelinServerProcess server = new ZeppelinServerProcess(builder.start(), URI.create("http://" + HOST + ":" + port));
        server.awaitRestApi(timeout);
        return server;
    }

    URI url() {
        return url;
    }

    private void awaitRestApi(Duration timeout) throws IOException, InterruptedException {
        HttpClient http = HttpClient.newHttpClient();
        HttpRequest version = HttpRequest.newBuilder(url.resolve("/api/version")).timeout(Duration.ofSeconds(5)).build();
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("the Zeppelin server exited with " + process.exitValue());
            }
            try {
                if (http.send(version, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    return;
                }
            } catch (IOException notYetListening) {
                // the server is still starting
            }
            Thread.sleep(500);
        }
        throw new IllegalStateException("no Zeppelin REST API at " + url + " after " + timeout);
    }

    /** Stops the server and the interpreter processes it launched. */
    @Override
    public void close() throws InterruptedException {
        List<ProcessHandle> interpreters = process.descendants().toList();
        process.destroy();
        process.waitFor();
        interpreters.forEach(ProcessHandle::destroy);
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName(HOST))) {
            return socket.getLocalPort();
        }
    }
}
