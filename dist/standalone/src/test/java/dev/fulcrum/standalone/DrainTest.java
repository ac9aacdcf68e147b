package dev.fulcrum.standalone;

import dev.fulcrum.testing.ApiCalls;
import dev.fulcrum.testing.LoopbackOrigin;
import dev.fulcrum.testing.RawHttpConnection;
import dev.fulcrum.testing.SelfSignedCertificate;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpURI;
import org.eclipse.jetty.http.HttpVersion;
import org.eclipse.jetty.http.MetaData;
import org.eclipse.jetty.http2.api.Session;
import org.eclipse.jetty.http2.api.Stream;
import org.eclipse.jetty.http2.client.HTTP2Client;
import org.eclipse.jetty.http2.frames.GoAwayFrame;
import org.eclipse.jetty.http2.frames.HeadersFrame;
import org.eclipse.jetty.io.ClientConnector;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * The standalone's drain after SIGTERM ({@code close()}, which the shutdown hook runs), on the plain port and on the
 * TLS one alike: the port stops accepting; a request in flight and a request arriving on a connection kept alive
 * from before are both answered, with {@code Connection: close}; an HTTP/2 client gets a GOAWAY and its stream in
 * flight still completes; the stop goes on as soon as no connection is left, long before the drain's 30 s.
 */
class DrainTest {

    private static final String TOKEN = "drain-test-token-0123456789";
    private static final String LB_HOST = "www.example.test";
    /** Long enough for the drain to begin while the origin holds the request. */
    private static final String IN_FLIGHT = "/in-flight?delay=1500";

    @TempDir
    static Path generated;
    private static SelfSignedCertificate certificate;

    @TempDir
    Path dir;

    private StandaloneNode node;
    private LoopbackOrigin origin;
    private HTTP2Client h2;

    @BeforeAll
    static void generate() throws Exception {
        certificate = SelfSignedCertificate.generate(generated, "drain", "EC", LB_HOST);
    }

    @AfterEach
    void stop() throws Exception {
        if (h2 != null) {
            h2.stop();
        }
        if (node != null) {
            node.close();
        }
        if (origin != null) {
            origin.close();
        }
    }

    @Test
    void plainHttp() throws Exception {
        start();
        drainsHttp1(node.proxyPort(), () -> new RawHttpConnection(node.proxyPort()));
    }

    @Test
    void tls() throws Exception {
        start();
        drainsHttp1(node.proxyTlsPort(), () -> new RawHttpConnection(tlsSocket()));
    }

    @Test
    void http2OverTlsGetsAGoAwayWhileItsStreamInFlightCompletes() throws Exception {
        start();
        final int port = node.proxyTlsPort();
        final CompletableFuture<GoAwayFrame> goAway = new CompletableFuture<>();
        final Session session = h2Session(port, goAway);
        assertThat(h2Get(session, "/before").get(10, TimeUnit.SECONDS)).isEqualTo(200);

        final CompletableFuture<Integer> inFlight = h2Get(session, IN_FLIGHT);
        await().atMost(Duration.ofSeconds(10)).until(() -> origin.lastRequest() != null
                && "/in-flight".equals(origin.lastRequest().path()));
        final long stopping = System.nanoTime();
        final CompletableFuture<Void> stop = CompletableFuture.runAsync(node::close);
        await().atMost(Duration.ofSeconds(10)).until(() -> refused(port));

        assertThat(goAway.get(10, TimeUnit.SECONDS).getLastStreamId()).isPositive();
        assertThat(inFlight.get(10, TimeUnit.SECONDS)).isEqualTo(200);
        stop.get(20, TimeUnit.SECONDS);
        assertThat(Duration.ofNanos(System.nanoTime() - stopping)).isLessThan(Duration.ofSeconds(20));
    }

    @Test
    void bothPortsStopAcceptingEvenWhileClientsKeepConnecting() throws Exception {
        start();
        final List<Integer> ports = List.of(node.proxyPort(), node.proxyTlsPort());
        // Clients connecting all the time keep each port's acceptor busy outside its blocking accept(), where the
        // interrupt Jetty stops it with does not close the listening socket; the drain must close it regardless.
        final AtomicBoolean connecting = new AtomicBoolean(true);
        final ExecutorService clients = Executors.newFixedThreadPool(ports.size());
        final List<CompletableFuture<Void>> storms = ports.stream().map(port -> CompletableFuture.runAsync(() -> {
            final long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (connecting.get() && System.nanoTime() < end) {
                refused(port);
            }
        }, clients)).toList();
        try {
            final CompletableFuture<Void> stop = CompletableFuture.runAsync(node::close);
            for (int port : ports) {
                await().atMost(Duration.ofSeconds(10)).until(() -> refused(port));
            }
            stop.get(20, TimeUnit.SECONDS);
        } finally {
            connecting.set(false);
            CompletableFuture.allOf(storms.toArray(CompletableFuture[]::new)).get(30, TimeUnit.SECONDS);
            clients.shutdown();
        }
    }

    private void start() throws Exception {
        origin = LoopbackOrigin.start("o1");
        final Path certs = Files.createDirectory(dir.resolve("certs"));
        certificate.writePem(certs.resolve("drain.crt"), certs.resolve("drain.key"));
        node = new StandaloneNode("--drain", "30s", "--tls-port", "0", "--tls-cert-dir", certs.toString());
        node.start(dir.resolve("data"), TOKEN);
        new ApiCalls("http://127.0.0.1:" + node.apiPort() + "/client/v4", TOKEN)
                .createLoadBalancer(LB_HOST, "127.0.0.1", origin.port());
    }

    private interface Connect {
        RawHttpConnection open() throws Exception;
    }

    /**
     * One kept-alive connection with an answered request, one with a request the origin holds; then the drain:
     * both get their answer with {@code Connection: close}, the kept one's next request too, and then no more.
     */
    private void drainsHttp1(int port, Connect connect) throws Exception {
        try (RawHttpConnection kept = connect.open(); RawHttpConnection busy = connect.open()) {
            final RawHttpConnection.Response before = kept.get(LB_HOST, "/before");
            assertThat(before.status()).isEqualTo(200);
            assertThat(before.header("Connection")).isNull();

            final CompletableFuture<RawHttpConnection.Response> inFlight = CompletableFuture.supplyAsync(() -> {
                try {
                    return busy.get(LB_HOST, IN_FLIGHT);
                } catch (IOException e) {
                    throw new IllegalStateException(e);
                }
            });
            await().atMost(Duration.ofSeconds(10)).until(() -> "/in-flight".equals(origin.lastRequest().path()));
            final long stopping = System.nanoTime();
            final CompletableFuture<Void> stop = CompletableFuture.runAsync(node::close);
            await().atMost(Duration.ofSeconds(10)).until(() -> refused(port));

            final RawHttpConnection.Response during = kept.get(LB_HOST, "/during");
            assertThat(during.status()).isEqualTo(200);
            assertThat(during.header("Connection")).isEqualToIgnoringCase("close");
            assertThat(origin.lastRequest().path()).isEqualTo("/during");
            assertThatThrownBy(() -> kept.get(LB_HOST, "/after")).isInstanceOf(IOException.class);

            final RawHttpConnection.Response held = inFlight.get(10, TimeUnit.SECONDS);
            assertThat(held.status()).isEqualTo(200);
            assertThat(held.header("Connection")).isEqualToIgnoringCase("close");

            // The last connection is gone: the drain ends long before its 30 s.
            stop.get(20, TimeUnit.SECONDS);
            assertThat(Duration.ofNanos(System.nanoTime() - stopping)).isLessThan(Duration.ofSeconds(20));
        }
    }

    private Socket tlsSocket() throws Exception {
        final TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        trust.init(certificate.trustStore());
        final SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, trust.getTrustManagers(), null);
        final SSLSocket socket = (SSLSocket) context.getSocketFactory().createSocket(InetAddress.getLoopbackAddress(),
                node.proxyTlsPort());
        socket.startHandshake();
        return socket;
    }

    private Session h2Session(int port, CompletableFuture<GoAwayFrame> goAway) throws Exception {
        final SslContextFactory.Client ssl = new SslContextFactory.Client();
        ssl.setTrustStore(certificate.trustStore());
        final ClientConnector connector = new ClientConnector();
        connector.setSslContextFactory(ssl);
        h2 = new HTTP2Client(connector);
        h2.start();
        // By the load balancer's name (the certificate's), at the loopback address.
        final InetAddress address = InetAddress.getByAddress(LB_HOST, InetAddress.getLoopbackAddress().getAddress());
        return h2.connect(ssl, new InetSocketAddress(address, port), new Session.Listener() {
            @Override
            public void onGoAway(Session s, GoAwayFrame frame) {
                goAway.complete(frame);
            }
        }).get(10, TimeUnit.SECONDS);
    }

    /** The status of a GET on a new stream of {@code session}, once its answer has ended. */
    private static CompletableFuture<Integer> h2Get(Session session, String pathAndQuery) {
        final CompletableFuture<Integer> status = new CompletableFuture<>();
        final HttpURI uri = HttpURI.from("https://" + LB_HOST + pathAndQuery);
        final MetaData.Request request = new MetaData.Request("GET", uri, HttpVersion.HTTP_2, HttpFields.EMPTY);
        session.newStream(new HeadersFrame(request, null, true), new Stream.Listener() {
            private int pending;

            @Override
            public void onHeaders(Stream stream, HeadersFrame frame) {
                final MetaData.Response response = (MetaData.Response) frame.getMetaData();
                if (frame.isEndStream()) {
                    status.complete(response.getStatus());
                } else {
                    pending = response.getStatus();
                    stream.demand();
                }
            }

            @Override
            public void onDataAvailable(Stream stream) {
                final Stream.Data data = stream.readData();
                if (data == null) {
                    stream.demand();
                    return;
                }
                data.release();
                if (data.frame().isEndStream()) {
                    status.complete(pending);
                } else {
                    stream.demand();
                }
            }

            @Override
            public void onFailure(Stream stream, int error, String reason, Throwable failure, Callback callback) {
                status.completeExceptionally(failure);
                callback.succeeded();
            }
        }).whenComplete((stream, failure) -> {
            if (failure != null) {
                status.completeExceptionally(failure);
            }
        });
        return status;
    }

    private static boolean refused(int port) {
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
            return false;
        } catch (IOException e) {
            return true;
        }
    }
}
