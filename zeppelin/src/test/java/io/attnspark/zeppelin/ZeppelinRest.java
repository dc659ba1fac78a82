package io.attnspark.zeppelin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;

/** The calls of Zeppelin 0.10's REST API (and the one websocket message) that import, set up and run a note. */
final class ZeppelinRest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpClient http = HttpClient.newHttpClient();
    private final URI server;

    ZeppelinRest(URI server) {
        this.server = server;
    }

    /** {@code POST /api/notebook/import}: the .zpln JSON as it is; returns the new note's id. */
    String importNote(String noteJson, String notePath) throws IOException, InterruptedException {
        String path = "/api/notebook/import?notePath=" + URLEncoder.encode(notePath, StandardCharsets.UTF_8);
        return call(HttpRequest.newBuilder(server.resolve(path)).POST(HttpRequest.BodyPublishers.ofString(noteJson)))
                .path("body").asText();
    }

    /**
     * Sets the note forms ({@code $${name=default}}). Zeppelin 0.10's import drops a note's form values, and its REST
     * API has no call for them, so this sends the websocket message the UI sends when a note form changes.
     */
    void saveNoteForms(String noteId, Map<String, String> values, Duration timeout)
            throws IOException, InterruptedException {
        URI ws = URI.create("ws://" + server.getHost() + ":" + server.getPort() + "/ws");
        WebSocket socket = http.newWebSocketBuilder().buildAsync(ws, new WebSocket.Listener() { }).join();
        socket.sendText(JSON.writeValueAsString(Map.of("op", "SAVE_NOTE_FORMS",
                "data", Map.of("noteId", noteId, "noteParams", values),
                "principal", "anonymous", "ticket", "anonymous", "roles", "[]")), true).join();
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!values.equals(JSON.convertValue(note(noteId).path("noteParams"), Map.class))) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("note " + noteId + " did not take the form values " + values);
            }
            Thread.sleep(100);
        }
        socket.sendClose(WebSocket.NORMAL_CLOSURE, "").join();
    }

    /**
     * {@code POST /api/notebook/run/{noteId}/{paragraphId}}: runs one paragraph with these paragraph form values and
     * waits for its result ({@code code}, {@code msg[]}).
     */
    JsonNode runParagraph(String noteId, String paragraphId, Map<String, String> params)
            throws IOException, InterruptedException {
        URI uri = server.resolve("/api/notebook/run/" + noteId + "/" + paragraphId);
        return call(HttpRequest.newBuilder(uri).POST(HttpRequest.BodyPublishers.ofString(
                JSON.writeValueAsString(Map.of("params", params))))).path("body");
    }

    /** {@code POST /api/notebook/{noteId}/paragraph}: appends a paragraph; returns its id. */
    String addParagraph(String noteId, String text) throws IOException, InterruptedException {
        return call(HttpRequest.newBuilder(server.resolve("/api/notebook/" + noteId + "/paragraph"))
                .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(Map.of("title", "", "text", text)))))
                .path("body").asText();
    }

    /** {@code GET /api/notebook/{noteId}}: the note with its paragraphs' last results. */
    JsonNode note(String noteId) throws IOException, InterruptedException {
        return call(HttpRequest.newBuilder(server.resolve("/api/notebook/" + noteId)).GET()).path("body");
    }

    private JsonNode call(HttpRequest.Builder request) throws IOException, InterruptedException {
        HttpResponse<String> response = http.send(request.header("Content-Type", "application/json")
                .timeout(Duration.ofMinutes(5)).build(), HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new IllegalStateException(response.request().method() + " " + response.uri() + ": HTTP "
                    + response.statusCode() + " " + response.body());
        }
        return JSON.readTree(response.body());
    }
}
