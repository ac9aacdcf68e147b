package dev.fulcrum.tomcat;

import dev.fulcrum.forwarding.OriginSide;
import dev.fulcrum.routing.RouteDecision;
import dev.fulcrum.servlet.AsyncServletClient;
import dev.fulcrum.servlet.BlockingServletClient;
import dev.fulcrum.servlet.ClientTunnel;
import dev.fulcrum.upstream.TunnelConnection;
import dev.fulcrum.upstream.UpstreamClient;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.apache.catalina.connector.Request;
import org.apache.catalina.connector.Response;
import org.apache.coyote.ActionCode;
import org.apache.coyote.UpgradeToken;
import org.apache.tomcat.ContextBind;

import java.io.IOException;

/**
 * Hands one Tomcat request to common's forwarding loop with a client side fit for how Tomcat mapped it; every rule
 * (headers, retries, failover, 52x answers, outcomes) is the loop's.
 *
 * <p><b>Async.</b> A request mapped to a webapp (Tomcat needs a Context for servlet async) is put in async mode and
 * nothing blocks a Tomcat thread ({@link AsyncServletClient}).
 *
 * <p><b>Without a Context</b> (a Host without webapps) the request cannot go async; the valve's thread then waits
 * for the exchange and does its blocking reads and writes itself ({@link BlockingServletClient}), as it does for
 * every WebSocket handshake, whose connection Tomcat switches only during the request's own dispatch.
 *
 * <p>Either way the upstream client's callbacks never block, so they may run on its selector threads
 * ({@code UpstreamSettings#nonBlocking}). Thread safety: stateless apart from the shared client.
 */
final class TomcatForwarder {

    /** Request attribute marking a request this valve forwards, so that a re-dispatch of it is not routed again. */
    static final String FORWARDED = TomcatForwarder.class.getName();

    private final OriginSide origins;

    TomcatForwarder(UpstreamClient upstream) {
        this.origins = OriginSide.over(upstream);
    }

    /** Forwards the request; returns once async processing started, or, without a Context, once it finished. */
    void forward(Request request, Response response, RouteDecision.Forward forward) throws IOException {
        request.setAttribute(FORWARDED, Boolean.TRUE);
        if (request.getContext() == null) {
            BlockingServletClient.forward(request, response, TomcatContainer.INSTANCE, forward, origins);
        } else {
            request.setAsyncSupported(true);
            AsyncServletClient.forward(request, response, TomcatContainer.INSTANCE, forward, origins);
        }
    }

    /**
     * Opens a WebSocket through the origin. A request mapped to a webapp upgrades through the servlet API; one mapped
     * to no Context (whose {@code upgrade} needs the Context's instance manager) is handed to the connector directly,
     * as Tomcat itself does for its internal upgrades.
     */
    void openWebSocket(Request request, Response response, RouteDecision.Forward forward) {
        BlockingServletClient.upgrade(request, response, TomcatContainer.INSTANCE, forward, origins,
                request.getContext() != null ? BlockingServletClient.SERVLET_UPGRADE : TomcatForwarder::upgradeBare);
    }

    private static void upgradeBare(HttpServletRequest request, HttpServletResponse response,
                                    TunnelConnection origin) {
        final ClientTunnel tunnel = new ClientTunnel();
        tunnel.connect(origin);
        // No instance manager: the connector then calls destroy directly. The context binding is required by the
        // upgraded streams' callbacks; with no context there is no class loader to switch to.
        ((Request) request).getCoyoteRequest().action(ActionCode.UPGRADE,
                new UpgradeToken(tunnel, NoContextBind.INSTANCE, null, "websocket"));
        response.setStatus(HttpServletResponse.SC_SWITCHING_PROTOCOLS);
    }

    /** The class-loader binding of a request mapped to no Context: there is nothing to bind. */
    private enum NoContextBind implements ContextBind {
        INSTANCE;

        // Tomcat 11's signatures. No @Override: Tomcat 10.1's ContextBind lacks them, and the valve's sources must
        // also compile against 10.1 (ValveCompilesAgainstEachTomcatIT).
        public ClassLoader bind(ClassLoader originalClassLoader) {
            return null;
        }

        public void unbind(ClassLoader originalClassLoader) {
        }

        // The Tomcat 10.1 signatures, kept so the valve loads in both.
        @Override
        public ClassLoader bind(boolean usePrivilegedAction, ClassLoader originalClassLoader) {
            return null;
        }

        @Override
        public void unbind(boolean usePrivilegedAction, ClassLoader originalClassLoader) {
        }
    }
}
