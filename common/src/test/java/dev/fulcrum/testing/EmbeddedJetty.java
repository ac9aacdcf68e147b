package dev.fulcrum.testing;

import dev.fulcrum.routing.Router;
import dev.fulcrum.upstream.UpstreamClient;
import org.eclipse.jetty.http2.server.HTTP2CServerConnectionFactory;
import org.eclipse.jetty.server.ForwardedRequestCustomizer;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

/**
 * Embedded Jetty on 127.0.0.1:0 serving every request with one Fulcrum handler (the core handler, or a servlet
 * context with the WAR's proxy servlet), optionally with Jetty's own {@link ForwardedRequestCustomizer} on its
 * connector (the {@code http-forwarded} module). It has no application of its own.
 */
@SuppressWarnings("try") // close() stops a server, which may be interrupted
public abstract class EmbeddedJetty implements HostUnderTest {

    private final boolean forwardedCustomizer;
    private Server server;
    private ServerConnector connector;

    protected EmbeddedJetty(boolean forwardedCustomizer) {
        this.forwardedCustomizer = forwardedCustomizer;
    }

    /** The handler serving every request, built once the router and the shared upstream client are known. */
    protected abstract Handler handler(Router router, UpstreamClient upstream);

    @Override
    public void start(Router router, UpstreamClient upstream) throws Exception {
        final QueuedThreadPool threads = new QueuedThreadPool(64, 4);
        threads.setName("jetty-host");
        server = new Server(threads);
        final HttpConfiguration http = new HttpConfiguration();
        if (forwardedCustomizer) {
            http.addCustomizer(new ForwardedRequestCustomizer());
        }
        // HTTP/1.1, and h2c for the contracts' h2 variants (as the standalone's plain port and Jetty's http2c module).
        connector = new ServerConnector(server, 1, 1, new HttpConnectionFactory(http),
                new HTTP2CServerConnectionFactory(http));
        connector.setHost("127.0.0.1");
        connector.setPort(0);
        server.addConnector(connector);
        server.setHandler(handler(router, upstream));
        server.start();
    }

    @Override
    public int port() {
        return connector.getLocalPort();
    }

    @Override
    public boolean hasOwnApplication() {
        return false;
    }

    @Override
    public int ownApplicationRequests() {
        return 0;
    }

    @Override
    public void close() throws Exception {
        server.stop();
    }
}
