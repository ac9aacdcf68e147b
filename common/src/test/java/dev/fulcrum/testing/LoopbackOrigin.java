package dev.fulcrum.testing;

import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Connection;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.io.ssl.SslConnection;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.SecureRequestCustomizer;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.util.Blocker;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.Fields;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

import javax.net.ssl.ExtendedSSLSession;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SNIServerName;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A real HTTP origin on 127.0.0.1 (port 0) for data-plane tests, or an https one ({@link #startTls}): it records
 * every request (headers, body, connection id, TLS server name), counts distinct TCP connections, and answers
 * {@code 200 origin:<name>}.
 *
 * <p>Query parameters steer one answer: {@code delay=<ms>} waits before answering, {@code size=<bytes>} answers
 * that many bytes, {@code hop=1} adds hop-by-hop and X-Accel-* response headers, {@code status=<code>} changes the
 * status, {@code cut=<bytes>} sends only that many bytes of the declared answer, waits for {@link #releaseCuts()}
 * and drops the connection (an origin failing mid-answer). {@link #closeReusedAfter} makes it drop a kept-alive
 * connection that is reused after an idle gap without answering, as an origin closing an idle connection at the very
 * moment it is reused.
 *
 * <p>For health monitors it answers {@value #HEALTH_PATH} apart from ordinary requests (not recorded, only counted
 * by {@link #healthChecks()}) with a status, body and delay the test switches, and checks can be held until
 * released. {@link #stop()} and {@link #restart()} take it off and back onto its port (connections refused between).
 */
@SuppressWarnings("try") // close() stops a server, which may be interrupted
public final class LoopbackOrigin implements AutoCloseable {

    /**
     * One request as the origin saw it.
     *
     * @param serverName the TLS server name (SNI) the client sent, or null (plain http, or no SNI)
     */
    public record Seen(String method, String path, String query, HttpFields headers, byte[] body,
                       String connectionId, String serverName) {

        public String header(String name) {
            return headers.get(name);
        }

        public List<String> headerValues(String name) {
            return headers.getValuesList(name);
        }

        public String bodyText() {
            return new String(body, StandardCharsets.UTF_8);
        }
    }

    /** The path of the health endpoint a monitor probes. */
    public static final String HEALTH_PATH = "/health";
    /** What the health endpoint answers until told otherwise. */
    public static final String HEALTHY_BODY = "status: healthy";

    private final String name;
    private final Server server;
    private final ServerConnector connector;
    private final List<Seen> requests = new CopyOnWriteArrayList<>();
    private final AtomicInteger connectionsOpened = new AtomicInteger();
    private final AtomicInteger dropped = new AtomicInteger();
    private final Map<String, Long> lastAnswerNanos = new ConcurrentHashMap<>();
    private volatile Duration closeReusedAfter;
    private volatile boolean dropEveryRequest;
    private volatile Duration delay = Duration.ZERO;
    private final int port;
    private final AtomicInteger healthChecks = new AtomicInteger();
    // Released on close so that no held or delayed health check keeps a server thread (and stop()) waiting.
    private final CountDownLatch closed = new CountDownLatch(1);
    private volatile int healthStatus = 200;
    private volatile String healthBody = HEALTHY_BODY;
    private volatile Duration healthDelay = Duration.ZERO;
    private volatile CountDownLatch healthHold = new CountDownLatch(0);
    private final CountDownLatch cuts = new CountDownLatch(1);

    /** How long a connection may stay silent while a request is being answered (the tests' delays are shorter). */
    private static final Duration ACTIVE_REQUEST_IDLE_TIMEOUT = Duration.ofSeconds(60);

    private LoopbackOrigin(String name, Duration idleTimeout, SelfSignedCertificate certificate) throws Exception {
        this.name = name;
        final QueuedThreadPool threads = new QueuedThreadPool(64, 4);
        threads.setName("origin-" + name);
        server = new Server(threads);
        // The idle timeout closes idle connections only. Jetty switches a connection to the configuration's idle
        // timeout as soon as a request's headers are parsed, before the handler runs: a short connector timeout
        // that expired in between (the request raced it) would make Jetty answer 500 itself, an origin error no
        // test asked for.
        final HttpConfiguration http = new HttpConfiguration();
        http.setIdleTimeout(ACTIVE_REQUEST_IDLE_TIMEOUT.toMillis());
        if (certificate == null) {
            connector = new ServerConnector(server, 1, 1, new HttpConnectionFactory(http));
        } else {
            final SslContextFactory.Server tls = new SslContextFactory.Server();
            tls.setKeyStorePath(certificate.keyStore().toString());
            tls.setKeyStorePassword(SelfSignedCertificate.PASSWORD);
            tls.setKeyStoreType("PKCS12");
            final HttpConfiguration https = new HttpConfiguration(http);
            // Whether the SNI fits the Host is what the tests check (Seen.serverName); the origin answers anyway.
            https.addCustomizer(new SecureRequestCustomizer(false));
            connector = new ServerConnector(server, 1, 1, new SslConnectionFactory(tls, "http/1.1"),
                    new HttpConnectionFactory(https));
        }
        connector.setHost("127.0.0.1");
        connector.setPort(0);
        connector.setIdleTimeout(idleTimeout.toMillis());
        connector.addEventListener(new Connection.Listener() {
            @Override
            public void onOpened(Connection connection) {
                // Over TLS the HTTP connection sits on the TLS one's decrypted end point: one TCP connection.
                if (!(connection.getEndPoint() instanceof SslConnection.SslEndPoint)) {
                    connectionsOpened.incrementAndGet();
                }
            }
        });
        server.addConnector(connector);
        server.setHandler(new Answer());
        server.start();
        port = connector.getLocalPort();
    }

    /** An origin with a long idle timeout. */
    public static LoopbackOrigin start(String name) throws Exception {
        return new LoopbackOrigin(name, Duration.ofSeconds(60), null);
    }

    /** An origin that closes connections idle for longer than {@code idleTimeout}. */
    public static LoopbackOrigin start(String name, Duration idleTimeout) throws Exception {
        return new LoopbackOrigin(name, idleTimeout, null);
    }

    /** An https origin serving {@code certificate} (whatever SNI the client sends), with a long idle timeout. */
    public static LoopbackOrigin startTls(String name, SelfSignedCertificate certificate) throws Exception {
        return new LoopbackOrigin(name, Duration.ofSeconds(60), certificate);
    }

    /** A loopback port with nothing listening: connecting is refused. */
    public static int refusedPort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    /**
     * From now on, a request arriving on a connection that answered its previous request at least {@code idle}
     * ago is dropped: the connection is closed without a response. Null turns this off.
     */
    public LoopbackOrigin closeReusedAfter(Duration idle) {
        this.closeReusedAfter = idle;
        return this;
    }

    /**
     * From now on, every request is read whole, counted in {@link #requests()} and dropped: the connection is closed
     * without a response byte, as by an origin dying while it holds requests.
     */
    public LoopbackOrigin dropEveryRequest() {
        this.dropEveryRequest = true;
        return this;
    }

    /** Every answer waits this long first (a slow origin). */
    public LoopbackOrigin delay(Duration delay) {
        this.delay = delay;
        return this;
    }

    /** The health endpoint answers this status from now on. */
    public LoopbackOrigin healthStatus(int status) {
        this.healthStatus = status;
        return this;
    }

    /** The health endpoint answers this body from now on. */
    public LoopbackOrigin healthBody(String body) {
        this.healthBody = body;
        return this;
    }

    /** The health endpoint waits this long before answering (a slow origin); zero turns it off. */
    public LoopbackOrigin healthDelay(Duration wait) {
        this.healthDelay = wait;
        return this;
    }

    /** Health checks arriving from now on wait, unanswered, until {@link #releaseHealthChecks()} (at most 30 s). */
    public LoopbackOrigin holdHealthChecks() {
        this.healthHold = new CountDownLatch(1);
        return this;
    }

    /** Lets held health checks, and later ones, be answered. */
    public LoopbackOrigin releaseHealthChecks() {
        healthHold.countDown();
        return this;
    }

    /** Lets answers sent with {@code cut=<bytes>} drop their connections (at the latest 30 s after they began). */
    public LoopbackOrigin releaseCuts() {
        cuts.countDown();
        return this;
    }

    /** Health checks that arrived so far, answered or still held. */
    public int healthChecks() {
        return healthChecks.get();
    }

    /**
     * Stops listening: open connections are closed and new ones refused, as a crashed origin. In-flight requests
     * are cut off without an answer.
     */
    public void stop() throws Exception {
        server.stop();
    }

    /** Listens again on the same port after {@link #stop()}. */
    public void restart() throws Exception {
        connector.setPort(port);
        server.start();
    }

    public String name() {
        return name;
    }

    /** The port it was first bound to, kept across {@link #stop()} and {@link #restart()}. */
    public int port() {
        return port;
    }

    public List<Seen> requests() {
        return List.copyOf(requests);
    }

    public int requestCount() {
        return requests.size();
    }

    public Seen lastRequest() {
        return requests.isEmpty() ? null : requests.get(requests.size() - 1);
    }

    /** Distinct TCP connections accepted so far. */
    public int connectionsOpened() {
        return connectionsOpened.get();
    }

    /** Requests dropped by {@link #closeReusedAfter} or {@link #dropEveryRequest}. */
    public int droppedRequests() {
        return dropped.get();
    }

    public void reset() {
        requests.clear();
        connectionsOpened.set(0);
        dropped.set(0);
    }

    @Override
    public void close() throws Exception {
        closed.countDown();
        healthHold.countDown();
        cuts.countDown();
        server.stop();
    }

    private final class Answer extends Handler.Abstract {

        @Override
        public boolean handle(Request request, Response response, Callback callback) throws Exception {
            if (HEALTH_PATH.equals(request.getHttpURI().getPath())) {
                return health(response, callback);
            }
            final String connectionId = request.getConnectionMetaData().getId();
            final Duration dropAfter = closeReusedAfter;
            final Long previous = lastAnswerNanos.get(connectionId);
            if (dropAfter != null && previous != null && System.nanoTime() - previous >= dropAfter.toNanos()) {
                dropped.incrementAndGet();
                lastAnswerNanos.remove(connectionId);
                request.getConnectionMetaData().getConnection().getEndPoint().close();
                callback.failed(new IllegalStateException("dropped a reused idle connection on purpose"));
                return true;
            }
            // Headers first: Jetty may rewrite framing headers once it has read the whole body.
            final HttpFields headers = HttpFields.build(request.getHeaders()).asImmutable();
            final byte[] body = Request.asInputStream(request).readAllBytes();
            final String query = request.getHttpURI().getQuery();
            requests.add(new Seen(request.getMethod(), request.getHttpURI().getPath(), query, headers, body,
                    connectionId, serverName(request)));
            if (dropEveryRequest) {
                dropped.incrementAndGet();
                request.getConnectionMetaData().getConnection().getEndPoint().close();
                callback.failed(new IllegalStateException("dropped a request on purpose"));
                return true;
            }
            final Fields params = Request.extractQueryParameters(request);
            final long wait = Math.max(number(params, "delay", 0), delay.toMillis());
            if (wait > 0) {
                Thread.sleep(wait);
            }
            response.setStatus((int) number(params, "status", 200));
            final HttpFields.Mutable out = response.getHeaders();
            out.put("X-Origin", name);
            out.add(new HttpField(HttpHeader.SET_COOKIE, "origin=" + name + "; Path=/"));
            out.add(new HttpField(HttpHeader.SET_COOKIE, "second=2; Path=/"));
            if (number(params, "hop", 0) == 1) {
                out.put("Connection", "X-Origin-Hop");
                out.put("X-Origin-Hop", "hop-value");
                out.put("Keep-Alive", "timeout=5");
                out.put("Proxy-Authenticate", "Basic realm=\"origin\"");
                out.put("X-Accel-Buffering", "no");
                out.put("X-Accel-Charset", "utf-8");
                out.put("X-Accel-Limit-Rate", "1024");
                out.put("X-Accel-Redirect", "/internal");
                out.put("X-Kept", "kept");
            }
            final long size = number(params, "size", -1);
            final byte[] answer;
            if (size >= 0) {
                answer = new byte[(int) size];
                for (int i = 0; i < answer.length; i++) {
                    answer[i] = (byte) ('a' + i % 26);
                }
            } else {
                answer = ("origin:" + name).getBytes(StandardCharsets.UTF_8);
            }
            out.put(HttpHeader.CONTENT_TYPE, "text/plain");
            out.put(HttpHeader.CONTENT_LENGTH, answer.length);
            final long cut = number(params, "cut", -1);
            if (cut >= 0) {
                try (Blocker.Callback written = Blocker.callback()) {
                    response.write(false, ByteBuffer.wrap(answer, 0, (int) cut), written);
                    written.block();
                }
                cuts.await(30, TimeUnit.SECONDS);
                request.getConnectionMetaData().getConnection().getEndPoint().close();
                callback.failed(new IOException("cut off mid-answer on purpose"));
                return true;
            }
            response.write(true, ByteBuffer.wrap(answer), Callback.from(() -> {
                lastAnswerNanos.put(connectionId, System.nanoTime());
                callback.succeeded();
            }, callback::failed));
            return true;
        }

        private boolean health(Response response, Callback callback) throws InterruptedException {
            healthChecks.incrementAndGet();
            healthHold.await(30, TimeUnit.SECONDS);
            final long wait = healthDelay.toMillis();
            if (wait > 0) {
                closed.await(wait, TimeUnit.MILLISECONDS);
            }
            final byte[] answer = healthBody.getBytes(StandardCharsets.UTF_8);
            response.setStatus(healthStatus);
            response.getHeaders().put(HttpHeader.CONTENT_TYPE, "text/plain");
            response.getHeaders().put(HttpHeader.CONTENT_LENGTH, answer.length);
            response.write(true, ByteBuffer.wrap(answer), callback);
            return true;
        }

        private static String serverName(Request request) {
            if (request.getAttribute(EndPoint.SslSessionData.ATTRIBUTE) instanceof EndPoint.SslSessionData tls
                    && tls.sslSession() instanceof ExtendedSSLSession session) {
                for (final SNIServerName sent : session.getRequestedServerNames()) {
                    if (sent instanceof SNIHostName hostName) {
                        return hostName.getAsciiName();
                    }
                }
            }
            return null;
        }

        private long number(Fields params, String key, long fallback) {
            final String value = params.getValue(key);
            return value == null ? fallback : Long.parseLong(value);
        }
    }
}
