package dev.fulcrum.upstream;

import com.sun.net.httpserver.HttpServer;
import dev.fulcrum.routing.Outcome;
import dev.fulcrum.routing.OriginConnections;
import dev.fulcrum.routing.UpstreamFailure;
import dev.fulcrum.testing.LoopbackOrigin;
import dev.fulcrum.testing.OriginTarget;
import dev.fulcrum.testing.SelfSignedCertificate;
import org.eclipse.jetty.client.ContentResponse;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static dev.fulcrum.testing.LoopbackOrigin.refusedPort;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.awaitility.Awaitility.await;

/** The shared client against real sockets: every failure class maps to its 52x answer. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class UpstreamClientTest {

    private final List<AutoCloseable> resources = new ArrayList<>();
    private UpstreamClient upstream;

    @AfterEach
    void stop() throws Exception {
        if (upstream != null) {
            upstream.close();
        }
        for (AutoCloseable resource : resources) {
            resource.close();
        }
    }

    private UpstreamClient start(UpstreamSettings settings) {
        upstream = UpstreamClient.start(settings);
        return upstream;
    }

    private Throwable failureOf(String scheme, String address, int port) {
        final Throwable thrown = catchThrowable(() -> upstream.newRequest(new OriginTarget(scheme, address, port), "GET",
                "/", null).send());
        assertThat(thrown).as("the request must fail").isNotNull();
        return thrown instanceof ExecutionException ? thrown.getCause() : thrown;
    }

    @Test
    void sendsRawPathAndQueryAndNoHeadersOfItsOwn() throws Exception {
        final LoopbackOrigin origin = LoopbackOrigin.start("a");
        resources.add(origin);
        start(UpstreamSettings.DEFAULTS);

        final ContentResponse response = upstream.newRequest(new OriginTarget("http", "127.0.0.1", origin.port()), "GET",
                "/a%20b/c", "x=1%202&y=+&z=%2F").send();

        assertThat(response.getStatus()).isEqualTo(200);
        final LoopbackOrigin.Seen seen = origin.lastRequest();
        assertThat(seen.path()).isEqualTo("/a%20b/c");
        assertThat(seen.query()).isEqualTo("x=1%202&y=+&z=%2F");
        assertThat(seen.header("User-Agent")).isNull();
        assertThat(seen.header("Accept-Encoding")).isNull();
    }

    @Test
    void reachesAnIpv6LiteralAndReusesTheOriginsBaseUri() throws Exception {
        final HttpServer v6 = HttpServer.create(
                new InetSocketAddress(InetAddress.getByName("::1"), 0), 0);
        v6.createContext("/", exchange -> {
            final byte[] body = exchange.getRequestURI().toString().getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        v6.start();
        resources.add(() -> v6.stop(0));
        start(UpstreamSettings.DEFAULTS);
        final OriginTarget target = new OriginTarget("http", "::1", v6.getAddress().getPort());

        for (String query : new String[] {"a=1", "a=2"}) {
            final ContentResponse response = upstream.newRequest(target, "GET", "/x%20y", query).send();
            assertThat(response.getStatus()).isEqualTo(200);
            assertThat(response.getContentAsString()).isEqualTo("/x%20y?" + query);
        }
        assertThat(upstream.newRequest(target, "GET", "/", null).getHost()).isEqualTo("[::1]");
    }

    @Test
    void refusedIs521() throws Exception {
        start(UpstreamSettings.DEFAULTS);
        final Throwable failure = failureOf("http", "127.0.0.1", refusedPort());

        assertThat(UpstreamErrors.classify(failure)).isEqualTo(UpstreamFailure.CONNECTION_REFUSED);
        assertThat(UpstreamErrors.outcomeOf(UpstreamFailure.CONNECTION_REFUSED)).isEqualTo(Outcome.CONNECT_FAILED);
        assertThat(UpstreamErrors.body(UpstreamFailure.CONNECTION_REFUSED)).isEqualTo("error code: 521");
    }

    @Test
    void anUnresolvableHostIsAnOriginDnsError() {
        start(UpstreamSettings.DEFAULTS);
        final Throwable failure = failureOf("http", "no-such-origin.invalid", 80);

        final UpstreamFailure classified = UpstreamErrors.classify(failure);
        assertThat(classified).isEqualTo(UpstreamFailure.ORIGIN_DNS_ERROR);
        assertThat(classified.status()).isEqualTo(530);
        assertThat(classified.failoverEligible()).isTrue();
        assertThat(UpstreamErrors.body(classified)).isEqualTo("error code: 1016");
        assertThat(UpstreamErrors.outcomeOf(classified)).isEqualTo(Outcome.CONNECT_FAILED);
    }

    @Test
    void aConnectThatNeverCompletesIs522() throws Exception {
        // A listener that never accepts, with its accept queue filled: the kernel drops further SYNs.
        final ServerSocket listener = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
        resources.add(listener);
        for (int i = 0; i < 4; i++) {
            final Socket filler = new Socket();
            resources.add(filler);
            try {
                filler.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), listener.getLocalPort()), 200);
            } catch (IOException e) {
                break; // the queue is full
            }
        }
        start(UpstreamSettings.DEFAULTS.withConnectTimeout(Duration.ofMillis(300)));

        final Throwable failure = failureOf("http", "127.0.0.1", listener.getLocalPort());

        assertThat(UpstreamErrors.classify(failure)).isEqualTo(UpstreamFailure.CONNECT_TIMEOUT);
    }

    @Test
    void tlsToAPlainOriginIs525() throws Exception {
        final LoopbackOrigin origin = LoopbackOrigin.start("plain");
        resources.add(origin);
        start(UpstreamSettings.DEFAULTS);

        final Throwable failure = failureOf("https", "127.0.0.1", origin.port());

        assertThat(UpstreamErrors.classify(failure)).isEqualTo(UpstreamFailure.TLS_HANDSHAKE_FAILED);
    }

    @Test
    void anUntrustedCertificateIs526(@TempDir Path dir) throws Exception {
        final LoopbackOrigin origin = LoopbackOrigin.startTls("tls", SelfSignedCertificate.generate(dir));
        resources.add(origin);
        start(UpstreamSettings.DEFAULTS);

        final Throwable failure = failureOf("https", "127.0.0.1", origin.port());

        assertThat(UpstreamErrors.classify(failure)).isEqualTo(UpstreamFailure.INVALID_CERTIFICATE);
    }

    @Test
    void aConnectionClosedWithoutAnswerIs520AndLooksStale() throws Exception {
        final int port = startRawOrigin(null);
        start(UpstreamSettings.DEFAULTS);

        final Throwable failure = failureOf("http", "127.0.0.1", port);

        assertThat(UpstreamErrors.classify(failure)).isEqualTo(UpstreamFailure.UNKNOWN_ERROR);
        assertThat(UpstreamErrors.staleConnection(failure)).isTrue();
    }

    @Test
    void anInvalidAnswerIs520() throws Exception {
        final int port = startRawOrigin("NOT HTTP AT ALL\r\n\r\n");
        start(UpstreamSettings.DEFAULTS);

        final Throwable failure = failureOf("http", "127.0.0.1", port);

        assertThat(UpstreamErrors.classify(failure)).isEqualTo(UpstreamFailure.UNKNOWN_ERROR);
    }

    @Test
    void reportsConnectionsToTheRoutersTracker() throws Exception {
        final LoopbackOrigin origin = LoopbackOrigin.start("a");
        resources.add(origin);
        final OriginConnections connections = new OriginConnections();
        upstream = UpstreamClient.start(UpstreamSettings.DEFAULTS, connections);

        upstream.newRequest(new OriginTarget("http", "127.0.0.1", origin.port()), "GET", "/", null).send();
        await().untilAsserted(() -> assertThat(connections.open("127.0.0.1", origin.port())).isEqualTo(1));

        upstream.close();
        upstream = null;
        await().untilAsserted(() -> assertThat(connections.open("127.0.0.1", origin.port())).isZero());
    }

    /** A TCP origin that reads a request, writes {@code answer} (or nothing) and closes. */
    private int startRawOrigin(String answer) throws IOException {
        final ServerSocket listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        resources.add(listener);
        final Thread thread = new Thread(() -> {
            while (!listener.isClosed()) {
                try (Socket socket = listener.accept()) {
                    socket.getInputStream().read(new byte[4096]);
                    if (answer != null) {
                        final OutputStream out = socket.getOutputStream();
                        out.write(answer.getBytes(StandardCharsets.US_ASCII));
                        out.flush();
                    }
                } catch (IOException e) {
                    return;
                }
            }
        }, "raw-origin");
        thread.setDaemon(true);
        thread.start();
        return listener.getLocalPort();
    }
}
