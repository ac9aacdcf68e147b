package dev.fulcrum.jetty;

import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.Callback;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The header deadline and the per-client cap of {@link ClientGuards}, with raw sockets against a real connector. */
class ClientGuardsTest {

    private static final byte[] REQUEST = "GET / HTTP/1.1\r\nHost: a.example\r\n\r\n"
            .getBytes(StandardCharsets.US_ASCII);

    private final List<Socket> sockets = new ArrayList<>();
    private Server server;
    private ServerConnector connector;
    private ServerConnector second;

    @AfterEach
    void stop() throws Exception {
        for (Socket socket : sockets) {
            socket.close();
        }
        server.stop();
    }

    private void start(Duration headerTimeout, int maxPerClient) throws Exception {
        start(headerTimeout, maxPerClient, false);
    }

    /** With {@code twoPorts}, a {@link #second} connector, guarded together with the first. */
    private void start(Duration headerTimeout, int maxPerClient, boolean twoPorts) throws Exception {
        server = new Server();
        connector = connector(server);
        if (twoPorts) {
            second = connector(server);
            assertThat(ClientGuards.apply(List.of(connector, second), headerTimeout, maxPerClient))
                    .containsExactly(connector, second);
        } else {
            assertThat(ClientGuards.apply(connector, headerTimeout, maxPerClient)).isTrue();
        }
        server.setHandler(new Handler.Abstract() {
            @Override
            public boolean handle(Request request, Response response, Callback callback) {
                response.write(true, StandardCharsets.UTF_8.encode("ok"), callback);
                return true;
            }
        });
        server.start();
    }

    private static ServerConnector connector(Server server) {
        final ServerConnector c = new ServerConnector(server, 1, 1);
        c.setHost("127.0.0.1");
        c.setPort(0);
        c.setIdleTimeout(30_000);
        server.addConnector(c);
        return c;
    }

    private Socket connect() throws IOException {
        return connect(connector);
    }

    private Socket connect(ServerConnector to) throws IOException {
        final Socket socket = new Socket(InetAddress.getLoopbackAddress(), to.getLocalPort());
        socket.setSoTimeout(10_000);
        sockets.add(socket);
        return socket;
    }

    /** Sends one whole request and reads its answer up to the body {@code ok}. */
    private static String exchange(Socket socket) throws IOException {
        socket.getOutputStream().write(REQUEST);
        final InputStream in = socket.getInputStream();
        final StringBuilder answer = new StringBuilder();
        while (!answer.toString().endsWith("\r\n\r\nok")) {
            final int b = in.read();
            if (b < 0) {
                throw new IOException("closed after " + answer);
            }
            answer.append((char) b);
        }
        return answer.toString();
    }

    private static boolean closedByServer(Socket socket) throws IOException {
        try {
            return socket.getInputStream().read() < 0;
        } catch (SocketTimeoutException e) {
            return false;
        } catch (IOException e) {
            return true; // reset
        }
    }

    @Test
    void aHeadTrickledPastTheDeadlineIsCutOff() throws Exception {
        start(Duration.ofMillis(500), 0);
        final Socket slow = connect();
        final OutputStream out = slow.getOutputStream();
        out.write("GET / HTTP/1.1\r\n".getBytes(StandardCharsets.US_ASCII));
        final long started = System.nanoTime();
        // Each line well inside the idle timeout, as a slowloris client sends them.
        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(100)).until(() -> {
            try {
                out.write("X-a: b\r\n".getBytes(StandardCharsets.US_ASCII));
                return false;
            } catch (IOException e) {
                return true;
            }
        });
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(5));
        assertThat(closedByServer(slow)).isTrue();
        // A client sending its head at once never meets the deadline.
        assertThat(exchange(connect())).startsWith("HTTP/1.1 200");
    }

    @Test
    void idleTimeBetweenRequestsIsNotPartOfTheDeadline() throws Exception {
        start(Duration.ofMillis(300), 0);
        final Socket kept = connect();
        assertThat(exchange(kept)).startsWith("HTTP/1.1 200");
        // Idle for longer than the deadline (the idle timeout is 30 s): the connection is still there.
        await().pollDelay(Duration.ofMillis(900)).atMost(Duration.ofSeconds(5)).until(() -> true);
        assertThat(exchange(kept)).startsWith("HTTP/1.1 200");
    }

    @Test
    void connectionsBeyondThePerClientCapAreClosedAndCountedAgainWhenOneCloses() throws Exception {
        start(Duration.ZERO, 2);
        final Socket first = connect();
        final Socket second = connect();
        assertThat(exchange(first)).startsWith("HTTP/1.1 200");
        assertThat(exchange(second)).startsWith("HTTP/1.1 200");
        final Socket third = connect();
        assertThat(closedByServer(third)).isTrue();
        // The admitted ones go on.
        assertThat(exchange(first)).startsWith("HTTP/1.1 200");

        first.close();
        await().atMost(Duration.ofSeconds(5)).until(() -> {
            final Socket again = connect();
            try {
                return exchange(again).startsWith("HTTP/1.1 200");
            } catch (IOException refused) {
                return false;
            }
        });
        assertThat(exchange(second)).startsWith("HTTP/1.1 200");
    }

    @Test
    void connectorsGuardedTogetherShareOneCapPerClient() throws Exception {
        start(Duration.ZERO, 1, true);
        final Socket onFirst = connect(connector);
        assertThat(exchange(onFirst)).startsWith("HTTP/1.1 200");
        // The client's one allowed connection is open on the other port.
        assertThat(closedByServer(connect(second))).isTrue();
        onFirst.close();
        await().atMost(Duration.ofSeconds(5)).until(() -> {
            try {
                return exchange(connect(second)).startsWith("HTTP/1.1 200");
            } catch (IOException refused) {
                return false;
            }
        });
    }

    @Test
    void nothingIsWrappedWhenBothGuardsAreOff() {
        final Server s = new Server();
        final ServerConnector plain = new ServerConnector(s);
        assertThat(ClientGuards.apply(plain, Duration.ZERO, 0)).isFalse();
        assertThat(plain.getConnectionFactory(HttpConnectionFactory.class).getClass())
                .isEqualTo(HttpConnectionFactory.class);
        server = s;
    }
}
