package dev.fulcrum.jetty;

import dev.fulcrum.config.Pool;
import dev.fulcrum.routing.SnapshotRouter;
import dev.fulcrum.testing.Fixtures;
import dev.fulcrum.testing.LoopbackOrigin;
import dev.fulcrum.upstream.UpstreamClient;
import dev.fulcrum.upstream.UpstreamSettings;
import org.eclipse.jetty.client.ContentResponse;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import static dev.fulcrum.testing.Fixtures.config;
import static dev.fulcrum.testing.Fixtures.lb;
import static dev.fulcrum.testing.Fixtures.origin;
import static dev.fulcrum.testing.Fixtures.pool;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * What the core handler must handle beyond the shared contracts: Jetty's connection idle timeout, which applies to
 * a core request in flight (the servlet's async context has its own), must neither cut off a slow origin's answer
 * nor leave an outcome unreported when it ends a client that stopped sending its body.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class FulcrumProxyHandlerTest {

    private static final String LB_HOST = "lb.example.test";
    private static final long IDLE_MILLIS = 300;

    private LoopbackOrigin origin;
    private Pool pool;
    private SnapshotRouter router;
    private UpstreamClient upstream;
    private Server server;
    private ServerConnector connector;

    @BeforeEach
    void start() throws Exception {
        origin = LoopbackOrigin.start("a");
        pool = pool("p", "random", origin(origin, 1));
        router = Fixtures.router(config(lb(LB_HOST, "off", null, pool), pool));
        upstream = UpstreamClient.start(UpstreamSettings.DEFAULTS.withNonBlocking(true).withReplayBufferBytes(64),
                router.connections());
        server = new Server();
        connector = new ServerConnector(server);
        connector.setHost("127.0.0.1");
        connector.setPort(0);
        connector.setIdleTimeout(IDLE_MILLIS);
        server.addConnector(connector);
        server.setHandler(new FulcrumProxyHandler(router, upstream));
        server.start();
    }

    @AfterEach
    void stop() throws Exception {
        server.stop();
        upstream.close();
        origin.close();
    }

    @Test
    void aSlowOriginIsAnsweredPastTheConnectorsIdleTimeout() throws Exception {
        final HttpClient client = new HttpClient();
        client.start();
        try {
            final ContentResponse response = client.newRequest("127.0.0.1", connector.getLocalPort())
                    .path("/?delay=" + 3 * IDLE_MILLIS).headers(h -> h.put(HttpHeader.HOST, LB_HOST))
                    .timeout(10, TimeUnit.SECONDS).send();

            assertThat(response.getStatus()).isEqualTo(200);
            assertThat(response.getContentAsString()).isEqualTo("origin:a");
        } finally {
            client.stop();
        }
    }

    @Test
    void aClientStallingABufferedBodyIsReportedCancelledOnce() throws Exception {
        // 10 of 32 bytes, within the replay limit: read fully before anything is sent.
        assertStalledBodyEndsCancelled("Content-Length: 32\r\n\r\n0123456789");
        assertThat(origin.requestCount()).as("nothing was sent").isZero();
    }

    @Test
    void aClientStallingAStreamedBodyIsReportedCancelledOnce() throws Exception {
        // Chunked: streamed to the origin as it arrives, then the client stops mid-body.
        assertStalledBodyEndsCancelled("Transfer-Encoding: chunked\r\n\r\na\r\n0123456789\r\n");
    }

    /**
     * Sends a request whose body stops short and keeps the connection open: the idle timeout must end the request,
     * close the connection and report the attempt, which releases the pool's in-flight count.
     */
    private void assertStalledBodyEndsCancelled(String framingAndPartialBody) throws Exception {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", connector.getLocalPort()), 5_000);
            socket.setSoTimeout(10_000);
            final OutputStream out = socket.getOutputStream();
            out.write(("POST /upload HTTP/1.1\r\nHost: " + LB_HOST + "\r\n" + framingAndPartialBody)
                    .getBytes(StandardCharsets.US_ASCII));
            out.flush();
            await().atMost(Duration.ofSeconds(5)).until(() -> router.outstanding(pool.id()) == 1);

            final InputStream in = socket.getInputStream();
            while (in.read() >= 0) {
                // whatever Jetty answers before it closes the connection
            }
        }
        await().atMost(Duration.ofSeconds(5)).until(() -> router.outstanding(pool.id()) == 0);
    }
}
