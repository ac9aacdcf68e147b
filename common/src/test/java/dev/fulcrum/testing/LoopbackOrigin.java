package dev.fulcrum.testing;

import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Connection;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.Fields;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A real HTTP origin on 127.0.0.1 (port 0) for data-plane tests: it records every request (headers, body,
 * connection id), counts distinct TCP connections, and answers {@code 200 origin:<name>}.
 *
 * <p>Query parameters steer one answer: {@code delay=<ms>} waits before answering, {@code size=<bytes>} answers
 * that many bytes, {@code hop=1} adds hop-by-hop and X-Accel-* response headers, {@code status=<code>} changes the
 * status. {@link #closeReusedAfter} makes it drop a kept-alive connection that is reused after an idle gap without
 * answering, as an origin closing an idle connection at the very moment it is reused.
 */
@SuppressWarnings("try") // close() stops a server, which may be interrupted
public final class LoopbackOrigin implements AutoCloseable {

    /** One request as the origin saw it. */
    public record Seen(String method, String path, String query, HttpFields headers, byte[] body,
                       String connectionId) {

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

    private final String name;
    private final Server server;
    private final ServerConnector connector;
    private final List<Seen> requests = new CopyOnWriteArrayList<>();
    private final AtomicInteger connectionsOpened = new AtomicInteger();
    private final AtomicInteger dropped = new AtomicInteger();
    private final Map<String, Long> lastAnswerNanos = new ConcurrentHashMap<>();
    private volatile Duration closeReusedAfter;
    private volatile Duration delay = Duration.ZERO;

    private LoopbackOrigin(String name, Duration idleTimeout) throws Exception {
        this.name = name;
        final QueuedThreadPool threads = new QueuedThreadPool(64, 4);
        threads.setName("origin-" + name);
        server = new Server(threads);
        connector = new ServerConnector(server, 1, 1);
        connector.setHost("127.0.0.1");
        connector.setPort(0);
        connector.setIdleTimeout(idleTimeout.toMillis());
        connector.addEventListener(new Connection.Listener() {
            @Override
            public void onOpened(Connection connection) {
                connectionsOpened.incrementAndGet();
            }
        });
        server.addConnector(connector);
        server.setHandler(new Answer());
        server.start();
    }

    /** An origin with a long idle timeout. */
    public static LoopbackOrigin start(String name) throws Exception {
        return new LoopbackOrigin(name, Duration.ofSeconds(60));
    }

    /** An origin that closes connections idle for longer than {@code idleTimeout}. */
    public static LoopbackOrigin start(String name, Duration idleTimeout) throws Exception {
        return new LoopbackOrigin(name, idleTimeout);
    }

    /**
     * From now on, a request arriving on a connection that answered its previous request at least {@code idle}
     * ago is dropped: the connection is closed without a response. Null turns this off.
     */
    public LoopbackOrigin closeReusedAfter(Duration idle) {
        this.closeReusedAfter = idle;
        return this;
    }

    /** Every answer waits this long first (a slow origin). */
    public LoopbackOrigin delay(Duration delay) {
        this.delay = delay;
        return this;
    }

    public String name() {
        return name;
    }

    public int port() {
        return connector.getLocalPort();
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

    /** Requests dropped by {@link #closeReusedAfter}. */
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
        server.stop();
    }

    private final class Answer extends Handler.Abstract {

        @Override
        public boolean handle(Request request, Response response, Callback callback) throws Exception {
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
                    connectionId));
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
            response.write(true, ByteBuffer.wrap(answer), Callback.from(() -> {
                lastAnswerNanos.put(connectionId, System.nanoTime());
                callback.succeeded();
            }, callback::failed));
            return true;
        }

        private long number(Fields params, String key, long fallback) {
            final String value = params.getValue(key);
            return value == null ? fallback : Long.parseLong(value);
        }
    }
}
