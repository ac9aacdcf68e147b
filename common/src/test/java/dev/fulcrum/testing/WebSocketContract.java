package dev.fulcrum.testing;

import dev.fulcrum.config.Pool;
import dev.fulcrum.routing.SnapshotRouter;
import dev.fulcrum.upstream.UpstreamSettings;
import org.eclipse.jetty.websocket.api.Callback;
import org.eclipse.jetty.websocket.api.Session;
import org.eclipse.jetty.websocket.api.exceptions.UpgradeException;
import org.eclipse.jetty.websocket.client.ClientUpgradeRequest;
import org.eclipse.jetty.websocket.client.WebSocketClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.net.URI;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static dev.fulcrum.testing.Fixtures.config;
import static dev.fulcrum.testing.Fixtures.lb;
import static dev.fulcrum.testing.Fixtures.origin;
import static dev.fulcrum.testing.Fixtures.pool;
import static dev.fulcrum.testing.LoopbackOrigin.refusedPort;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * WebSockets through a load balancer, in every wrapper: the opening handshake is routed and forwarded like any
 * request (same header rules, failover, outcome), and once the origin switched protocols the two connections are
 * joined into a byte tunnel. The client is Jetty's WebSocket client, the origins real WebSocket servers
 * ({@link WebSocketOrigin}).
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
public abstract class WebSocketContract extends HostContract {

    private static final String LB_HOST = "ws.example.test";
    private static final long WAIT = 20;

    /** Rides on the base class's HTTP client, which outlives it. */
    private WebSocketClient sockets;

    /** After the base class started its client, which this one uses. */
    @BeforeEach
    void startSockets() throws Exception {
        sockets = new WebSocketClient(client);
        sockets.setMaxBinaryMessageSize(WebSocketOrigin.MAX_MESSAGE);
        sockets.start();
    }

    /** Before the base class stops the container: the sockets close while their tunnels still stand. */
    @AfterEach
    void stopSockets() throws Exception {
        sockets.stop();
    }

    private WebSocketOrigin startSocketOrigin(String name) throws Exception {
        return closedAfterTest(WebSocketOrigin.start(name));
    }

    private SnapshotRouter start(UpstreamSettings settings, Pool p) throws Exception {
        final SnapshotRouter router = Fixtures.router(config(lb(LB_HOST, "off", null, p), p));
        startHost(router, settings);
        return router;
    }

    private SnapshotRouter start(Pool p) throws Exception {
        return start(UpstreamSettings.DEFAULTS, p);
    }

    /** Opens a WebSocket to {@code path} through the host, with {@code Host: hostHeader}. */
    private Messages connect(String hostHeader, String path, String... subProtocols) throws Exception {
        final Messages messages = new Messages();
        final ClientUpgradeRequest upgrade = new ClientUpgradeRequest();
        upgrade.setHeader("Host", hostHeader);
        if (subProtocols.length > 0) {
            upgrade.setSubProtocols(subProtocols);
        }
        final CompletableFuture<Session> session = sockets.connect(messages,
                URI.create("ws://127.0.0.1:" + host.port() + path), upgrade);
        session.get(WAIT, TimeUnit.SECONDS);
        return messages;
    }

    private static Throwable handshakeFailure(ThrowingOpen open) {
        try {
            open.run();
        } catch (ExecutionException e) {
            return e.getCause();
        } catch (Exception e) {
            return e;
        }
        throw new AssertionError("the handshake succeeded");
    }

    @FunctionalInterface
    private interface ThrowingOpen {
        void run() throws Exception;
    }

    // ---- tunnel ------------------------------------------------------------------------------------------------

    @Test
    void messagesTravelBothWaysThroughTheTunnel() throws Exception {
        final WebSocketOrigin a = startSocketOrigin("a");
        final Pool p = pool("p", "random", origin("a", a.port(), 1));
        final SnapshotRouter router = start(p);

        final Messages socket = connect(LB_HOST, "/echo");
        for (int i = 0; i < 20; i++) {
            socket.session().sendText("message " + i, Callback.NOOP);
            assertThat(socket.nextText()).isEqualTo("a:message " + i);
        }
        // Larger than any one buffer of the tunnel, in both directions.
        final byte[] big = new byte[300 * 1024 + 7];
        for (int i = 0; i < big.length; i++) {
            big[i] = (byte) (i * 31);
        }
        socket.session().sendBinary(ByteBuffer.wrap(big), Callback.NOOP);
        assertThat(socket.nextBinary()).isEqualTo(big);

        assertThat(a.openSessions()).isEqualTo(1);
        // The handshake's outcome was reported when the origin switched protocols.
        assertThat(router.outstanding(p.id())).isZero();
        socket.session().close();
        await().atMost(Duration.ofSeconds(WAIT)).until(() -> a.openSessions() == 0);
    }

    @Test
    void theHandshakeCarriesTheForwardingHeadersAndTheAnswerTheRay() throws Exception {
        final WebSocketOrigin a = startSocketOrigin("a");
        start(pool("p", "random", origin("a", a.port(), 1)));

        final Messages socket = connect(LB_HOST, "/echo", "chat.v2", "chat.v1");

        final Map<String, List<String>> seen = a.handshakes().get(0);
        assertThat(value(seen, "Host")).isEqualTo(LB_HOST);
        assertThat(value(seen, "X-Forwarded-For")).isEqualTo("127.0.0.1");
        assertThat(value(seen, "CF-Connecting-IP")).isEqualTo("127.0.0.1");
        assertThat(value(seen, "CF-Ray")).isNotBlank();
        assertThat(value(seen, "Sec-WebSocket-Key")).isNotBlank();
        assertThat(socket.session().getUpgradeResponse().getHeader("CF-Ray")).isEqualTo(value(seen, "CF-Ray"));
        assertThat(socket.session().getUpgradeResponse().getAcceptedSubProtocol()).isEqualTo("chat.v2");
        socket.session().sendText("hi", Callback.NOOP);
        assertThat(socket.nextText()).isEqualTo("a:hi");
    }

    @Test
    void bytesTheOriginSendsFirstArrive() throws Exception {
        final WebSocketOrigin a = startSocketOrigin("a");
        start(pool("p", "random", origin("a", a.port(), 1)));

        assertThat(connect(LB_HOST, "/greet").nextText()).isEqualTo("hello from a");
    }

    @Test
    void manySocketsAtOnceEachKeepTheirOwnOrigin() throws Exception {
        final WebSocketOrigin a = startSocketOrigin("a");
        final WebSocketOrigin b = startSocketOrigin("b");
        start(pool("p", "random", origin("a", a.port(), 1), origin("b", b.port(), 1)));

        final List<Messages> sockets = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            sockets.add(connect(LB_HOST, "/echo"));
        }
        final List<String> firstAnswers = new ArrayList<>();
        for (Messages socket : sockets) {
            socket.session().sendText("x", Callback.NOOP);
            firstAnswers.add(socket.nextText());
        }
        assertThat(firstAnswers).contains("a:x", "b:x");
        // Each socket keeps talking to the origin it was opened on.
        for (int i = 0; i < sockets.size(); i++) {
            final String origin = firstAnswers.get(i).substring(0, 1);
            sockets.get(i).session().sendText("y" + i, Callback.NOOP);
            assertThat(sockets.get(i).nextText()).isEqualTo(origin + ":y" + i);
        }
        assertThat(a.openSessions() + b.openSessions()).isEqualTo(40);
    }

    @Test
    void anOriginClosingTheSocketClosesTheClients() throws Exception {
        final WebSocketOrigin a = startSocketOrigin("a");
        start(pool("p", "random", origin("a", a.port(), 1)));
        final Messages socket = connect(LB_HOST, "/echo");
        // The origin registers the session just after its 101 went out.
        await().atMost(Duration.ofSeconds(WAIT)).until(() -> a.openSessions() == 1);

        a.closeAll();

        assertThat(socket.closed().get(WAIT, TimeUnit.SECONDS)).isEqualTo(1000);
    }

    // ---- handshake failures ------------------------------------------------------------------------------------

    @Test
    void anOriginRefusingTheUpgradeIsRelayed() {
        final Throwable failure = handshakeFailure(() -> {
            final WebSocketOrigin a = startSocketOrigin("a");
            start(pool("p", "random", origin("a", a.port(), 1)));
            connect(LB_HOST, "/no-such-socket");
        });
        assertThat(failure).isInstanceOf(UpgradeException.class);
        assertThat(((UpgradeException) failure).getResponseStatusCode()).isEqualTo(404);
    }

    @Test
    void anUnreachableOriginAnswersTheCloudflareCode() {
        final Throwable failure = handshakeFailure(() -> {
            start(pool("p", "random", origin("dead", refusedPort(), 1)));
            connect(LB_HOST, "/echo");
        });
        assertThat(((UpgradeException) failure).getResponseStatusCode()).isEqualTo(521);
    }

    @Test
    void aRefusedOriginFailsOverToAnother() throws Exception {
        final WebSocketOrigin live = startSocketOrigin("live");
        start(pool("p", "random", origin("dead", refusedPort(), 1),
                origin("live", live.port(), 1)));

        for (int i = 0; i < 10; i++) {
            final Messages socket = connect(LB_HOST, "/echo");
            socket.session().sendText("n" + i, Callback.NOOP);
            assertThat(socket.nextText()).isEqualTo("live:n" + i);
            socket.session().close();
        }
    }

    @Test
    void anUnknownHostIsNeverTunnelled() throws Exception {
        final WebSocketOrigin a = startSocketOrigin("a");
        start(pool("p", "random", origin("a", a.port(), 1)));

        assertThatThrownBy(() -> connect("other.example.test", "/echo")).isInstanceOf(Exception.class);
        assertThat(a.handshakes()).isEmpty();
    }

    private static String value(Map<String, List<String>> headers, String name) {
        return headers.entrySet().stream().filter(e -> e.getKey().equalsIgnoreCase(name))
                .map(e -> String.join(",", e.getValue())).findFirst().orElse(null);
    }

    /** A client endpoint that queues what it receives. */
    public static final class Messages extends Session.Listener.AbstractAutoDemanding {

        private final BlockingQueue<Object> received = new LinkedBlockingQueue<>();
        private final CompletableFuture<Integer> closed = new CompletableFuture<>();

        public Session session() {
            return getSession();
        }

        @Override
        public void onWebSocketText(String message) {
            received.add(message);
        }

        @Override
        public void onWebSocketBinary(ByteBuffer payload, Callback callback) {
            final byte[] bytes = new byte[payload.remaining()];
            payload.get(bytes);
            callback.succeed();
            received.add(bytes);
        }

        @Override
        public void onWebSocketClose(int statusCode, String reason) {
            closed.complete(statusCode);
        }

        public String nextText() throws InterruptedException {
            return (String) next();
        }

        public byte[] nextBinary() throws InterruptedException {
            return (byte[]) next();
        }

        private Object next() throws InterruptedException {
            final Object message = received.poll(WAIT, TimeUnit.SECONDS);
            assertThat(message).as("a message within " + WAIT + " s").isNotNull();
            return message;
        }

        public CompletableFuture<Integer> closed() {
            return closed;
        }
    }
}
