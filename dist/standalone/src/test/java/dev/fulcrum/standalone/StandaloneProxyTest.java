package dev.fulcrum.standalone;

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
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
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

    @TempDir
    Path dir;

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
            final String client = exchange.getRequestHeaders().getFirst("CF-Connecting-IP");
            final byte[] body = ("origin saw " + host + " from " + xff + " for " + client)
                    .getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        origin.start();
        running = launch();
    }

    private FulcrumMain.Standalone launch(String... more) {
        final List<String> args = new ArrayList<>(List.of("--port", "0", "--api-port", "0", "--bind", "127.0.0.1",
                "--data-dir", dir.toString(), "--api-token", TOKEN));
        args.addAll(List.of(more));
        return FulcrumMain.launch(args, Map.of(), new PrintStream(new ByteArrayOutputStream(), true,
                StandardCharsets.UTF_8));
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

    @Test
    void loadBalancerCreatedThroughTheApiIsServedOnTheProxyPort() throws Exception {
        new StandaloneApi(running.apiPort(), TOKEN).createLoadBalancer(origin.getAddress().getPort());

        final HttpResponse<String> served = proxied("WWW.Example.com");
        assertThat(served.statusCode()).isEqualTo(200);
        assertThat(served.body()).isEqualTo("origin saw WWW.Example.com from 127.0.0.1 for 127.0.0.1");
        assertThat(served.headers().firstValue("CF-Ray")).hasValueSatisfying(ray -> assertThat(ray).matches(
                "[0-9a-f]{16}-[A-Z0-9]+"));
        assertThat(originHits.get()).isEqualTo(1);

        final HttpResponse<String> unknown = proxied("other.example.com");
        assertThat(unknown.statusCode()).isEqualTo(404);
        assertThat(originHits.get()).isEqualTo(1);
    }

    @Test
    void trustedProxiesNameTheClientBehindThem() throws Exception {
        final int originPort = origin.getAddress().getPort();
        // Without the option, a claimed client is passed on in the chain and believed for nothing.
        new StandaloneApi(running.apiPort(), TOKEN).createLoadBalancer(originPort);
        assertThat(StandaloneApi.proxied(running.proxyPort(), "www.example.com", "203.0.113.7").body())
                .isEqualTo("origin saw www.example.com from 203.0.113.7, 127.0.0.1 for 127.0.0.1");

        running.close();
        running = launch("--trusted-proxies", "10.0.0.0/8,127.0.0.1");
        assertThat(StandaloneApi.proxied(running.proxyPort(), "www.example.com", "198.51.100.1, 203.0.113.7").body())
                .isEqualTo("origin saw www.example.com from 198.51.100.1, 203.0.113.7, 127.0.0.1 for 203.0.113.7");
    }

    @Test
    void aWebSocketOpensThroughTheProxyPort() throws Exception {
        try (WebSocketOrigin ws = WebSocketOrigin.start("ws")) {
            new StandaloneApi(running.apiPort(), TOKEN).createLoadBalancer(ws.port());
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
        return StandaloneApi.proxied(running.proxyPort(), host);
    }
}
