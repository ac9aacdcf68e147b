package dev.fulcrum.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.fulcrum.runtime.Fulcrum;
import dev.fulcrum.runtime.FulcrumSettings;
import dev.fulcrum.servlet.ApiServlet;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A real Fulcrum runtime on a data directory, served by embedded Jetty through {@link ApiServlet} on 127.0.0.1 port 0,
 * with a java.net.http client that speaks JSON to it.
 */
final class ApiServer implements AutoCloseable {

    static final String TOKEN = "test-token_0123456789-abcdefXYZ";
    static final ObjectMapper JSON = new ObjectMapper();

    /** One HTTP answer, with the body parsed as JSON (null when it is not JSON). */
    record Reply(int status, JsonNode json, HttpResponse<byte[]> raw) {

        JsonNode result() {
            return json.get("result");
        }

        int errorCode() {
            return json.get("errors").get(0).get("code").asInt();
        }

        String errorMessage() {
            return json.get("errors").get(0).get("message").asText();
        }

        @Override
        public String toString() {
            return status + " " + (json == null ? new String(raw.body(), StandardCharsets.UTF_8) : json);
        }
    }

    private final Path dataDir;
    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private Fulcrum fulcrum;
    private Server server;
    private URI base;

    private ApiServer(Path dataDir) {
        this.dataDir = dataDir;
    }

    static ApiServer start(Path dataDir) throws Exception {
        final ApiServer s = new ApiServer(dataDir);
        s.startServing();
        return s;
    }

    private void startServing() throws Exception {
        fulcrum = new Fulcrum(FulcrumSettings.builder().dataDir(dataDir).apiToken(TOKEN).build()).start();
        final QueuedThreadPool threads = new QueuedThreadPool();
        threads.setName("api-test");
        server = new Server(threads);
        final ServerConnector connector = new ServerConnector(server);
        connector.setHost("127.0.0.1");
        connector.setPort(0);
        server.addConnector(connector);
        final ServletContextHandler context = new ServletContextHandler("/");
        context.addServlet(new ServletHolder(new ApiServlet(fulcrum.api())), ApiRouter.PREFIX + "/*");
        server.setHandler(context);
        server.start();
        base = URI.create("http://127.0.0.1:" + connector.getLocalPort());
    }

    /** Stops Jetty and the runtime, then starts both again on the same data directory. */
    void restart() throws Exception {
        close();
        startServing();
    }

    Fulcrum fulcrum() {
        return fulcrum;
    }

    URI base() {
        return base;
    }

    /** The id of the account created on first start. */
    String accountId() {
        return get("/accounts").result().get(0).get("id").asText();
    }

    Reply get(String path) {
        return call("GET", path, null);
    }

    Reply delete(String path) {
        return call("DELETE", path, null);
    }

    Reply post(String path, Object body) {
        return call("POST", path, body);
    }

    Reply put(String path, Object body) {
        return call("PUT", path, body);
    }

    Reply patch(String path, Object body) {
        return call("PATCH", path, body);
    }

    /** An authenticated call; {@code body} is a JSON string, a Jackson node or null. */
    Reply call(String method, String path, Object body) {
        final Map<String, String> headers = new LinkedHashMap<>();
        headers.put("Authorization", "Bearer " + TOKEN);
        if (body != null) {
            headers.put("Content-Type", "application/json");
        }
        final byte[] bytes = body == null ? null : body.toString().getBytes(StandardCharsets.UTF_8);
        return raw(method, path, headers, bytes);
    }

    /** A call with exactly these headers (no credentials added) and body bytes (null = none). */
    Reply raw(String method, String path, Map<String, String> headers, byte[] body) {
        final HttpRequest.Builder request = builder(method, path, body);
        headers.forEach(request::header);
        return send(request);
    }

    /** A body-less GET with exactly these headers, given as name, value, name, value…; a name may repeat. */
    Reply getWithHeaders(String path, String... namesAndValues) {
        if (namesAndValues.length % 2 != 0) {
            throw new IllegalArgumentException("every header name needs a value");
        }
        final HttpRequest.Builder request = builder("GET", path, null);
        for (int i = 0; i < namesAndValues.length; i += 2) {
            request.header(namesAndValues[i], namesAndValues[i + 1]);
        }
        return send(request);
    }

    private HttpRequest.Builder builder(String method, String path, byte[] body) {
        return HttpRequest.newBuilder(base.resolve(ApiRouter.PREFIX + path))
                .timeout(Duration.ofSeconds(30))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofByteArray(body));
    }

    private Reply send(HttpRequest.Builder request) {
        try {
            final HttpResponse<byte[]> response = client.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
            JsonNode json;
            try {
                json = JSON.readTree(response.body());
            } catch (IOException e) {
                json = null;
            }
            return new Reply(response.statusCode(), json, response);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /**
     * Sends {@code head} (request line and headers, CRLF-separated, without the blank line) plus {@code body} over a
     * plain socket, for requests java.net.http refuses to build, and returns the response status code.
     */
    int rawSocket(String head, byte[] body) throws IOException {
        try (Socket socket = new Socket(base.getHost(), base.getPort())) {
            socket.setSoTimeout(10_000);
            final OutputStream out = socket.getOutputStream();
            out.write((head + "\r\nHost: " + base.getHost() + "\r\nConnection: close\r\nContent-Length: "
                    + body.length + "\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
            out.write(body);
            out.flush();
            final String status = new BufferedReader(new InputStreamReader(socket.getInputStream(),
                    StandardCharsets.ISO_8859_1)).readLine();
            return Integer.parseInt(status.split(" ")[1]);
        }
    }

    static ObjectNode json(String text) {
        try {
            return (ObjectNode) JSON.readTree(text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        if (server != null) {
            try {
                server.stop();
            } catch (Exception e) {
                throw new IllegalStateException("stopping the test server failed", e);
            }
            server = null;
        }
        if (fulcrum != null) {
            fulcrum.stop();
            fulcrum = null;
        }
    }
}
