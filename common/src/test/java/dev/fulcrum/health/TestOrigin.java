package dev.fulcrum.health;

import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.SecureRequestCustomizer;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

import java.nio.file.Path;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A real HTTP(S) origin on 127.0.0.1 for health tests. What it answers is set through volatile fields;
 * {@code /moved} always redirects (302) to {@code /health}. It can go down and come back on the same port.
 */
final class TestOrigin implements AutoCloseable {

    volatile int status = 200;
    volatile String body = "all good";
    volatile long delayMillis;
    /** Statuses for the next requests, one each, before {@link #status} applies again. */
    final Queue<Integer> script = new ConcurrentLinkedQueue<>();
    final AtomicInteger requests = new AtomicInteger();
    /** Request headers seen (name → value, first values), newest last. */
    final Queue<Map<String, String>> seen = new ConcurrentLinkedQueue<>();

    private final Server server;
    private final ServerConnector connector;
    private int port;

    private TestOrigin(Path keyStore, String password) throws Exception {
        final QueuedThreadPool threads = new QueuedThreadPool(16, 2);
        threads.setName("test-origin");
        server = new Server(threads);
        if (keyStore == null) {
            connector = new ServerConnector(server, 1, 1);
        } else {
            final SslContextFactory.Server tls = new SslContextFactory.Server();
            tls.setKeyStorePath(keyStore.toString());
            tls.setKeyStorePassword(password);
            tls.setKeyStoreType("PKCS12");
            final HttpConfiguration https = new HttpConfiguration();
            // The probe's Host may be an IP the certificate does not name; that is the probe's concern.
            https.addCustomizer(new SecureRequestCustomizer(false));
            connector = new ServerConnector(server, 1, 1, new SslConnectionFactory(tls, "http/1.1"),
                    new HttpConnectionFactory(https));
        }
        connector.setHost("127.0.0.1");
        server.addConnector(connector);
        server.setHandler(new Handler.Abstract() {
            @Override
            public boolean handle(Request request, Response response, Callback callback) {
                requests.incrementAndGet();
                final Map<String, String> headers = new java.util.LinkedHashMap<>();
                request.getHeaders().forEach(field -> headers.putIfAbsent(field.getName(), field.getValue()));
                headers.put(":method", request.getMethod());
                headers.put(":path", request.getHttpURI().getPathQuery());
                seen.add(headers);
                if (request.getHttpURI().getPath().equals("/moved")) {
                    Response.sendRedirect(request, response, callback, 302, "/health", false);
                    return true;
                }
                final Integer scripted = script.poll();
                final int code = scripted != null ? scripted : status;
                final String text = body;
                final Runnable answer = () -> {
                    response.setStatus(code);
                    response.getHeaders().put(HttpHeader.CONTENT_TYPE, "text/plain; charset=utf-8");
                    Content.Sink.write(response, true, text, callback);
                };
                if (delayMillis > 0) {
                    request.getComponents().getScheduler().schedule(answer, delayMillis, TimeUnit.MILLISECONDS);
                } else {
                    answer.run();
                }
                return true;
            }
        });
        server.start();
        port = connector.getLocalPort();
    }

    static TestOrigin http() throws Exception {
        return new TestOrigin(null, null);
    }

    static TestOrigin https(Path keyStore, String password) throws Exception {
        return new TestOrigin(keyStore, password);
    }

    int port() {
        return port;
    }

    /** Stops listening: connections are refused until {@link #up()}. */
    void down() throws Exception {
        connector.stop();
    }

    /** Listens again on the same port. */
    void up() throws Exception {
        connector.setPort(port);
        connector.start();
    }

    Map<String, String> lastRequest() {
        Map<String, String> last = null;
        for (final Map<String, String> headers : seen) {
            last = headers;
        }
        return last;
    }

    @Override
    public void close() throws Exception {
        server.stop();
    }
}
