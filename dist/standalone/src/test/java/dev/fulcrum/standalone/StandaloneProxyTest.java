package dev.fulcrum.standalone;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import dev.fulcrum.testing.WebSocketContract;
import dev.fulcrum.testing.WebSocketOrigin;
import org.eclipse.jetty.websocket.api.Callback;
import org.eclipse.jetty.websocket.api.Session;
import org.eclipse.jetty.websocket.client.ClientUpgradeRequest;
import org.eclipse.jetty.websocket.client.WebSocketClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The standalone jar end to end: a load balancer created through the API is served on the proxy port, toward a real
 * origin, and a host that is no load balancer's never reaches it.
 */
class StandaloneProxyTest {

    private static final String TOKEN = "standalone-proxy-token-0123456789";
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final AtomicInteger originHits = new AtomicInteger();
    private HttpServer origin;
    private FulcrumMain.Standalone running;

    @BeforeEach
    void start() throws IOException {
        origin = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        origin.createContext("/", exchange -> {
            originHits.incrementAndGet();
            final String host = exchange.getRequestHeaders().getFirst("Host");
            final String xff = exchange.getRequestHeaders().getFirst("X-Forwarded-For");
            final byte[] body = ("origin saw " + host + " from " + xff).getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        origin.start();
        running = FulcrumMain.launch(List.of("--port", "0", "--api-port", "0", "--bind", "127.0.0.1",
                "--data-dir", dir.toString(), "--api-token", TOKEN), Map.of(),
                new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
    }

    @AfterEach
    void stop() {
        if (running != null) {
            running.close();
        }
        if (origin != null) {
            origin.stop(0);
        }
    }

    /** Creates www.example.com with one pool holding one origin on 127.0.0.1:{@code originPort}. */
    private void createLoadBalancer(int originPort) throws Exception {
        final String api = "http://127.0.0.1:" + running.apiPort() + "/client/v4";
        final String account = call("GET", api + "/accounts", null).get("result").get(0).get("id").asText();
        final String zone = call("POST", api + "/zones",
                "{\"name\":\"example.com\",\"account\":{\"id\":\"" + account + "\"}}").get("result").get("id").asText();
        final String pool = call("POST", api + "/accounts/" + account + "/load_balancers/pools",
                "{\"name\":\"web\",\"origins\":[{\"name\":\"o1\",\"address\":\"127.0.0.1\",\"port\":"
                        + originPort + "}]}").get("result").get("id").asText();
        call("POST", api + "/zones/" + zone + "/load_balancers", "{\"name\":\"www.example.com\",\"default_pools\":[\""
                + pool + "\"],\"fallback_pool\":\"" + pool + "\",\"proxied\":true}");
    }

    @Test
    void loadBalancerCreatedThroughTheApiIsServedOnTheProxyPort() throws Exception {
        createLoadBalancer(origin.getAddress().getPort());

        final HttpResponse<String> served = proxied("WWW.Example.com");
        assertThat(served.statusCode()).isEqualTo(200);
        assertThat(served.body()).startsWith("origin saw WWW.Example.com").endsWith("from 127.0.0.1");
        assertThat(served.headers().firstValue("CF-Ray")).hasValueSatisfying(ray -> assertThat(ray).matches(
                "[0-9a-f]{16}-[A-Z0-9]+"));
        assertThat(originHits.get()).isEqualTo(1);

        final HttpResponse<String> unknown = proxied("other.example.com");
        assertThat(unknown.statusCode()).isEqualTo(404);
        assertThat(originHits.get()).isEqualTo(1);
    }

    @Test
    void aWebSocketOpensThroughTheProxyPort() throws Exception {
        try (WebSocketOrigin ws = WebSocketOrigin.start("ws")) {
            createLoadBalancer(ws.port());
            final WebSocketClient wsClient = new WebSocketClient();
            wsClient.start();
            try {
                final WebSocketContract.Messages received = new WebSocketContract.Messages();
                final ClientUpgradeRequest upgrade = new ClientUpgradeRequest();
                upgrade.setHeader("Host", "www.example.com");
                final Session session = wsClient.connect(received,
                        URI.create("ws://127.0.0.1:" + running.proxyPort() + "/echo"), upgrade)
                        .get(10, TimeUnit.SECONDS);

                session.sendText("ping", Callback.NOOP);
                assertThat(received.nextText()).isEqualTo("ws:ping");
                session.close();
            } finally {
                wsClient.stop();
            }
        }
    }

    private HttpResponse<String> proxied(String host) throws Exception {
        // java.net.http refuses to set Host itself; a raw request through the proxy port keeps the test honest.
        try (java.net.Socket socket = new java.net.Socket("127.0.0.1", running.proxyPort())) {
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write(("GET / HTTP/1.1\r\nHost: " + host + "\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            final String raw = new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            return RawResponse.parse(raw);
        }
    }

    private JsonNode call(String method, String url, String body) throws Exception {
        final HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url))
                .header("Authorization", "Bearer " + TOKEN).timeout(Duration.ofSeconds(10));
        if (body == null) {
            request.method(method, HttpRequest.BodyPublishers.noBody());
        } else {
            request.header("Content-Type", "application/json")
                    .method(method, HttpRequest.BodyPublishers.ofString(body));
        }
        final HttpResponse<String> response = client.send(request.build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(response.body()).isBetween(200, 299);
        return JSON.readTree(response.body());
    }
}
