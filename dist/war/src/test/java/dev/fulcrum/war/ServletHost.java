package dev.fulcrum.war;

import dev.fulcrum.routing.Router;
import dev.fulcrum.testing.EmbeddedJetty;
import dev.fulcrum.upstream.UpstreamClient;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.ForwardedRequestCustomizer;
import org.eclipse.jetty.server.Handler;

/**
 * Embedded Jetty with {@link FulcrumProxyServlet} as the only servlet of its one context (the WAR's layout), with
 * Jetty's server classes visible to it (so WebSockets switch the Jetty way), optionally behind Jetty's own
 * {@link ForwardedRequestCustomizer}.
 */
final class ServletHost extends EmbeddedJetty {

    private ServletHost(boolean forwardedCustomizer) {
        super(forwardedCustomizer);
    }

    static ServletHost jetty() {
        return new ServletHost(false);
    }

    /** With Jetty's {@link ForwardedRequestCustomizer} on the connector. */
    static ServletHost jettyWithForwardedCustomizer() {
        return new ServletHost(true);
    }

    @Override
    protected Handler handler(Router router, UpstreamClient upstream) {
        final ServletContextHandler context = new ServletContextHandler("/");
        final ServletHolder holder = new ServletHolder("fulcrum", new FulcrumProxyServlet(router, upstream));
        holder.setAsyncSupported(true);
        context.addServlet(holder, "/*");
        return context;
    }
}
