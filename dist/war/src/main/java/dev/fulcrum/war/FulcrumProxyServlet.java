package dev.fulcrum.war;

import dev.fulcrum.forwarding.OriginSide;
import dev.fulcrum.routing.Outcome;
import dev.fulcrum.routing.RouteDecision;
import dev.fulcrum.routing.Router;
import dev.fulcrum.servlet.AsyncServletClient;
import dev.fulcrum.servlet.BlockingServletClient;
import dev.fulcrum.servlet.ServletContainer;
import dev.fulcrum.servlet.ServletForwarding;
import dev.fulcrum.servlet.ServletRequestView;
import dev.fulcrum.upstream.UpstreamClient;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import java.io.IOException;

/**
 * Fulcrum's data plane as a servlet, for the WAR in any servlet container: it asks the router once per request and
 * answers by its decision, holding no rule of its own.
 * <ul>
 *   <li>no decision (the host is no load balancer's): 404, never proxied; a {@link RouteDecision.Respond} is
 *       written as it is;</li>
 *   <li>a {@link RouteDecision.Forward} goes to common's forwarding loop in servlet async mode
 *       ({@link AsyncServletClient}): no thread waits for the origin, and a slow client holds none;</li>
 *   <li>a WebSocket handshake goes through the same loop on the dispatching thread ({@link BlockingServletClient}),
 *       since the container switches the connection only during the request's own dispatch.</li>
 * </ul>
 *
 * <p><b>Wiring.</b> Construct it with a router and the runtime's shared {@link UpstreamClient}, or declare it in
 * {@code web.xml} (async-supported) and put both in servlet-context attributes named {@link #ROUTER_ATTRIBUTE} and
 * {@link #UPSTREAM_ATTRIBUTE} before it initialises ({@code FulcrumContextListener} does). The upstream client
 * belongs to the runtime: {@link #destroy} leaves it running.
 */
public class FulcrumProxyServlet extends HttpServlet {

    private static final long serialVersionUID = 1L;

    /** Servlet-context attribute holding the {@link Router} when the no-argument constructor is used. */
    public static final String ROUTER_ATTRIBUTE = Router.class.getName();
    /** Servlet-context attribute holding the shared {@link UpstreamClient} when the no-argument constructor is used. */
    public static final String UPSTREAM_ATTRIBUTE = UpstreamClient.class.getName();

    private transient Router router;
    private transient UpstreamClient upstream;
    private transient OriginSide origins;
    /** How a WebSocket handshake switches the client connection here; null where it cannot (ServletUpgrades). */
    private transient BlockingServletClient.Upgrade webSocketUpgrade;

    /** For {@code web.xml}: router and upstream client come from servlet-context attributes at init. */
    public FulcrumProxyServlet() {
    }

    public FulcrumProxyServlet(Router router, UpstreamClient upstream) {
        if (router == null || upstream == null) {
            throw new IllegalArgumentException("router and upstream client are required");
        }
        this.router = router;
        this.upstream = upstream;
    }

    @Override
    public void init() throws ServletException {
        if (router == null) {
            router = contextAttribute(ROUTER_ATTRIBUTE, Router.class);
        }
        if (upstream == null) {
            upstream = contextAttribute(UPSTREAM_ATTRIBUTE, UpstreamClient.class);
        }
        origins = OriginSide.over(upstream);
        webSocketUpgrade = ServletUpgrades.choose(getClass().getClassLoader(), getServletContext().getServerInfo());
    }

    private <T> T contextAttribute(String name, Class<T> type) throws ServletException {
        final Object value = getServletContext().getAttribute(name);
        if (!type.isInstance(value)) {
            throw new ServletException("servlet-context attribute " + name + ": "
                                       + (value == null ? "missing" : value.getClass().getName())
                                       + " (expected: a " + type.getName() + " set by the Fulcrum runtime)");
        }
        return type.cast(value);
    }

    @Override
    public void destroy() {
        // The upstream client is the runtime's and shared with other wrappers: it outlives this servlet.
    }

    @Override
    protected void service(HttpServletRequest request, HttpServletResponse response) throws IOException {
        final RouteDecision decision = router.route(new ServletRequestView(request));
        if (decision instanceof RouteDecision.Forward forward) {
            if (!BlockingServletClient.opensWebSocket(request)) {
                AsyncServletClient.forward(request, response, ServletContainer.PORTABLE, forward, origins);
            } else if (webSocketUpgrade != null) {
                BlockingServletClient.upgrade(request, response, ServletContainer.PORTABLE, forward, origins,
                        webSocketUpgrade);
            } else {
                forward.complete(Outcome.CANCELLED, 0, 0); // decided, never sent
                response.sendError(HttpServletResponse.SC_NOT_IMPLEMENTED,
                        "WebSockets need Fulcrum's Jetty module in Jetty, not the WAR");
            }
        } else if (decision instanceof RouteDecision.Respond respond) {
            ServletForwarding.writeRespond(response, respond);
        } else {
            ServletForwarding.writeNotFound(response);
        }
    }
}
