package dev.fulcrum.api;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpServer;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Serves an {@link ApiRouter} on its own port with the JDK's built-in HTTP server ({@code jdk.httpserver}), for
 * programs that need the API of a runtime they start without any servlet container: the cluster tests and benchmark.
 * No host uses it for its API listener any more (the Tomcat valve has {@code tomcat.ApiListener}): what the JDK
 * server refuses itself (a malformed request line or path) is answered with its own HTML, outside the envelope.
 *
 * <p>Admin traffic only: a few threads, request bodies read up to {@link ApiRouter#MAX_BODY_BYTES} + 1 bytes (enough
 * for the router to refuse a larger one), every response {@code Cache-Control: no-store}. {@link #close()} stops
 * accepting at once and gives calls in progress up to a second to finish.
 */
public final class ApiHttpServer implements AutoCloseable {

    /** The JDK server's switch for TCP_NODELAY on accepted connections; read once per JVM, by its first server. */
    static final String NO_DELAY = "sun.net.httpserver.nodelay";

    static {
        // The JDK server writes an answer's head and its body in two writes, and leaves Nagle's algorithm on by
        // default: the body then waits for the client's ACK of the head, which a client delays by up to 40 ms. Every
        // API call over keep-alive cost ~45 ms that way (the cluster benchmark's write latency, whatever the store).
        // An operator's explicit setting stays.
        if (System.getProperty(NO_DELAY) == null) {
            System.setProperty(NO_DELAY, "true");
        }
    }

    private static final int THREADS = 4;
    private static final int STOP_GRACE_SECONDS = 1;

    private final HttpServer server;
    private final ExecutorService executor;
    /** Set once by {@link #serveApi}, before the server starts; the serving threads read it after. */
    private volatile ApiRouter api;

    private ApiHttpServer(HttpServer server, ExecutorService executor) {
        this.server = server;
        this.executor = executor;
    }

    /**
     * Binds {@code bind:port} (port 0 = any free port) and starts serving {@code api} under {@link ApiRouter#PREFIX};
     * every other path gets the API's own JSON 404.
     *
     * @throws UncheckedIOException naming the address when it cannot be bound
     */
    public static ApiHttpServer start(ApiRouter api, String bind, int port) {
        return bind(bind, port).serveApi(api);
    }

    /**
     * Binds {@code bind:port} (port 0 = any free port) without serving yet, so that a host can hold its port before
     * it creates anything else; {@link #serveApi} starts serving, {@link #close()} releases the port.
     *
     * @throws UncheckedIOException naming the address when it cannot be bound
     */
    public static ApiHttpServer bind(String bind, int port) {
        final HttpServer server;
        try {
            server = HttpServer.create(new InetSocketAddress(bind, port), 0);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot listen for the API on " + bind + ':' + port + ": " + e, e);
        }
        final AtomicInteger threads = new AtomicInteger();
        final ExecutorService executor = Executors.newFixedThreadPool(THREADS, task -> {
            final Thread thread = new Thread(task, "fulcrum-api-" + threads.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        });
        server.setExecutor(executor);
        return new ApiHttpServer(server, executor);
    }

    /**
     * Starts serving {@code api} under {@link ApiRouter#PREFIX} on the bound port; every other path gets the API's own
     * JSON 404. Call once.
     *
     * @return this
     */
    public ApiHttpServer serveApi(ApiRouter api) {
        Objects.requireNonNull(api, "api");
        if (this.api != null) {
            throw new IllegalStateException("already serving");
        }
        this.api = api;
        server.createContext("/", exchange -> serve(api, exchange));
        server.start();
        return this;
    }

    /**
     * Also serves {@code handler} at exactly {@code path} (e.g. the Prometheus scrape at {@code /metrics}) on the
     * same port and threads; a longer path that merely starts with it still gets the API's JSON 404.
     *
     * @return this
     */
    public ApiHttpServer serve(String path, HttpHandler handler) {
        Objects.requireNonNull(handler, "handler");
        server.createContext(path, exchange -> {
            if (path.equals(exchange.getRequestURI().getRawPath())) {
                handler.handle(exchange);
            } else {
                serve(api, exchange);
            }
        });
        return this;
    }

    /**
     * Also serves {@code handler} at {@code path} and every path below it ({@code path/…}, e.g. the dashboard's
     * assets) on the same port and threads; a path that merely starts with it ({@code /dashboardx}) still gets the
     * API's JSON 404.
     *
     * @return this
     */
    public ApiHttpServer serveTree(String path, HttpHandler handler) {
        Objects.requireNonNull(handler, "handler");
        server.createContext(path, exchange -> {
            final String raw = exchange.getRequestURI().getRawPath();
            if (raw.equals(path) || raw.startsWith(path + '/')) {
                handler.handle(exchange);
            } else {
                serve(api, exchange);
            }
        });
        return this;
    }

    /** The port actually bound. */
    public int port() {
        return server.getAddress().getPort();
    }

    /** The address actually bound. */
    public InetSocketAddress address() {
        return server.getAddress();
    }

    @Override
    public void close() {
        server.stop(STOP_GRACE_SECONDS);
        executor.shutdown();
        try {
            executor.awaitTermination(STOP_GRACE_SECONDS, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        executor.shutdownNow();
    }

    private static void serve(ApiRouter api, HttpExchange exchange) throws IOException {
        try (exchange) {
            final ApiRequest request = new ApiRequest(exchange.getRequestMethod(),
                    exchange.getRequestURI().getRawPath(), ApiRequest.parseQuery(exchange.getRequestURI().getRawQuery()),
                    exchange.getRequestHeaders(), body(exchange.getRequestBody()));
            final ApiResponse response = api.handle(request);
            response.headers().forEach((name, value) -> exchange.getResponseHeaders().set(name, value));
            exchange.getResponseHeaders().set("Cache-Control", "no-store");
            exchange.getResponseHeaders().set("Content-Type", ApiResponse.CONTENT_TYPE);
            final byte[] body = response.body();
            final boolean head = "HEAD".equals(exchange.getRequestMethod());
            // -1: no body at all; a HEAD answer announces none either.
            exchange.sendResponseHeaders(response.status(), body.length == 0 || head ? -1 : body.length);
            if (body.length > 0 && !head) {
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(body);
                }
            }
        }
    }

    private static byte[] body(InputStream in) throws IOException {
        final int limit = ApiRouter.MAX_BODY_BYTES + 1;
        final ByteArrayOutputStream out = new ByteArrayOutputStream(256);
        final byte[] buffer = new byte[8192];
        int n;
        while (out.size() < limit && (n = in.read(buffer, 0, Math.min(buffer.length, limit - out.size()))) > 0) {
            out.write(buffer, 0, n);
        }
        return out.toByteArray();
    }
}
