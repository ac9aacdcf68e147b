package dev.fulcrum.jetty;

import dev.fulcrum.routing.Router;
import dev.fulcrum.routing.TrustedProxies;
import dev.fulcrum.testing.HostUnderTest;
import dev.fulcrum.upstream.UpstreamClient;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.http2.server.HTTP2CServerConnectionFactory;
import org.eclipse.jetty.server.ForwardedRequestCustomizer;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

/**
 * Embedded Jetty on 127.0.0.1:0 serving every request with Fulcrum's proxy: {@link FulcrumProxyHandler} alone (the
 * standalone's proxy connector) or {@link FulcrumProxyServlet} as the only servlet (the WAR's layout). Behind
 * another proxy, the handler may be given {@link TrustedProxies}, and the connector Jetty's own
 * {@link ForwardedRequestCustomizer} (the {@code http-forwarded} module).
 */
@SuppressWarnings("try") // close() stops a server, which may be interrupted
final class JettyHost implements HostUnderTest {

    private final boolean servlet;
    private final TrustedProxies trustedProxies;
    private final boolean forwardedCustomizer;
    private Server server;
    private ServerConnector connector;

    private JettyHost(boolean servlet, TrustedProxies trustedProxies, boolean forwardedCustomizer) {
        this.servlet = servlet;
        this.trustedProxies = trustedProxies;
        this.forwardedCustomizer = forwardedCustomizer;
    }

    /** With the Jetty core handler. */
    static JettyHost core() {
        return new JettyHost(false, TrustedProxies.NONE, false);
    }

    /** With the proxy servlet. */
    static JettyHost servlet() {
        return new JettyHost(true, TrustedProxies.NONE, false);
    }

    /** With the Jetty core handler deriving the client behind {@code trustedProxies}, as the standalone does. */
    static JettyHost core(TrustedProxies trustedProxies) {
        return new JettyHost(false, trustedProxies, false);
    }

    /** This host with Jetty's {@link ForwardedRequestCustomizer} on its connector. */
    JettyHost withForwardedCustomizer() {
        return new JettyHost(servlet, trustedProxies, true);
    }

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
        if (servlet) {
            final ServletContextHandler context = new ServletContextHandler("/");
            context.addServlet(new ServletHolder("fulcrum", new FulcrumProxyServlet(router, upstream)), "/*");
            server.setHandler(context);
        } else {
            server.setHandler(new FulcrumProxyHandler(router, upstream, trustedProxies));
        }
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
