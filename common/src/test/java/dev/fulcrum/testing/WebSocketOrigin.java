package dev.fulcrum.testing;

import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.eclipse.jetty.websocket.api.Callback;
import org.eclipse.jetty.websocket.api.Session;
import org.eclipse.jetty.websocket.server.WebSocketUpgradeHandler;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A real WebSocket server on 127.0.0.1 (Jetty's core WebSocket implementation) for tunnel tests. At {@code /echo}
 * it answers each text message with {@code <name>:<message>} and each binary message with the same bytes; at
 * {@code /greet} it sends {@code hello from <name>} as soon as the socket opens (bytes that may travel with the
 * 101); any other path is refused by the server with 404. It records the handshakes' headers and counts open
 * sessions.
 */
public final class WebSocketOrigin implements AutoCloseable {

    /** Larger than Jetty's 64 KiB default, so tests can send messages that span many tunnel buffers. */
    public static final int MAX_MESSAGE = 1024 * 1024;

    private final String name;
    private final Server server;
    private final ServerConnector connector;
    private final List<Map<String, List<String>>> handshakes = new CopyOnWriteArrayList<>();
    private final AtomicInteger open = new AtomicInteger();
    private final Map<Session, Boolean> sessions = new ConcurrentHashMap<>();

    private WebSocketOrigin(String name) {
        this.name = name;
        final QueuedThreadPool threads = new QueuedThreadPool(32, 2);
        threads.setName("ws-origin-" + name);
        server = new Server(threads);
        connector = new ServerConnector(server, 1, 1);
        connector.setHost("127.0.0.1");
        connector.setPort(0);
        server.addConnector(connector);
        server.setHandler(WebSocketUpgradeHandler.from(server, container -> {
            container.setMaxBinaryMessageSize(MAX_MESSAGE);
            container.addMapping("/echo", (request, response, callback) -> {
                handshakes.add(headers(request.getHeaders()));
                if (!request.getSubProtocols().isEmpty()) {
                    response.setAcceptedSubProtocol(request.getSubProtocols().get(0));
                }
                return new Echo();
            });
            container.addMapping("/greet", (request, response, callback) -> {
                handshakes.add(headers(request.getHeaders()));
                return new Greeter();
            });
        }));
    }

    private static Map<String, List<String>> headers(HttpFields fields) {
        final Map<String, List<String>> map = new LinkedHashMap<>();
        for (HttpField field : fields) {
            map.computeIfAbsent(field.getName(), k -> new ArrayList<>()).add(field.getValue());
        }
        return map;
    }

    public static WebSocketOrigin start(String name) throws Exception {
        final WebSocketOrigin origin = new WebSocketOrigin(name);
        origin.server.start();
        return origin;
    }

    public String name() {
        return name;
    }

    public int port() {
        return connector.getLocalPort();
    }

    /** The request headers of every accepted handshake, in order. */
    public List<Map<String, List<String>>> handshakes() {
        return handshakes;
    }

    /** Sessions currently open at the origin. */
    public int openSessions() {
        return open.get();
    }

    /** Closes every open session from the origin's side (a normal close, 1000). */
    public void closeAll() {
        sessions.keySet().forEach(Session::close);
    }

    @Override
    public void close() throws Exception {
        server.stop();
    }

    public class Tracked extends Session.Listener.AbstractAutoDemanding {
        @Override
        public void onWebSocketOpen(Session session) {
            super.onWebSocketOpen(session);
            open.incrementAndGet();
            sessions.put(session, Boolean.TRUE);
        }

        @Override
        public void onWebSocketClose(int statusCode, String reason) {
            sessions.remove(getSession());
            open.decrementAndGet();
        }
    }

    public final class Echo extends Tracked {
        @Override
        public void onWebSocketText(String message) {
            getSession().sendText(name + ":" + message, Callback.NOOP);
        }

        @Override
        public void onWebSocketBinary(ByteBuffer payload, Callback callback) {
            final ByteBuffer copy = ByteBuffer.allocate(payload.remaining()).put(payload).flip();
            callback.succeed();
            getSession().sendBinary(copy, Callback.NOOP);
        }
    }

    public final class Greeter extends Tracked {
        @Override
        public void onWebSocketOpen(Session session) {
            super.onWebSocketOpen(session);
            session.sendText("hello from " + name, Callback.NOOP);
        }
    }
}
