package dev.fulcrum.jetty;

import dev.fulcrum.routing.Router;
import dev.fulcrum.routing.TrustedProxies;
import dev.fulcrum.testing.EmbeddedJetty;
import dev.fulcrum.upstream.UpstreamClient;
import org.eclipse.jetty.server.ForwardedRequestCustomizer;
import org.eclipse.jetty.server.Handler;

/**
 * Embedded Jetty serving every request with {@link FulcrumProxyHandler} alone (the standalone's proxy connector).
 * Behind another proxy, the handler may be given {@link TrustedProxies}, and the connector Jetty's own
 * {@link ForwardedRequestCustomizer} (the {@code http-forwarded} module).
 */
final class JettyHost extends EmbeddedJetty {

    private final TrustedProxies trustedProxies;

    private JettyHost(TrustedProxies trustedProxies, boolean forwardedCustomizer) {
        super(forwardedCustomizer);
        this.trustedProxies = trustedProxies;
    }

    /** With the Jetty core handler. */
    static JettyHost core() {
        return new JettyHost(TrustedProxies.NONE, false);
    }

    /** With the Jetty core handler deriving the client behind {@code trustedProxies}, as the standalone does. */
    static JettyHost core(TrustedProxies trustedProxies) {
        return new JettyHost(trustedProxies, false);
    }

    /** This host with Jetty's {@link ForwardedRequestCustomizer} on its connector. */
    JettyHost withForwardedCustomizer() {
        return new JettyHost(trustedProxies, true);
    }

    @Override
    protected Handler handler(Router router, UpstreamClient upstream) {
        return new FulcrumProxyHandler(router, upstream, trustedProxies);
    }
}
