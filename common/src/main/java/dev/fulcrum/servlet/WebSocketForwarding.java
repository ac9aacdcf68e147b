package dev.fulcrum.servlet;

import dev.fulcrum.routing.RouteDecision;
import dev.fulcrum.upstream.ProxyExchange;
import dev.fulcrum.upstream.RequestBody;
import dev.fulcrum.upstream.TunnelConnection;
import dev.fulcrum.upstream.UpgradeHandshake;
import dev.fulcrum.upstream.UpstreamClient;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.eclipse.jetty.client.Request;
import org.eclipse.jetty.http.HttpHeader;

import java.io.IOException;
import java.util.Collections;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Proxies a WebSocket opening handshake (RFC 6455 §4) and, when the origin accepts it, joins the client's and the
 * origin's connections into a byte tunnel (a {@link TunnelConnection} on the origin's side, {@link ClientTunnel} or the
 * host's own connection on the client's).
 * Both servlet wrappers call it for requests {@link #isUpgrade} recognises; everything else about the request
 * (routing, affinity cookie, header rules, failover, outcome) is the same as for any proxied request.
 *
 * <p>The container must switch the client's connection during the request's own dispatch, and only once the
 * origin said yes, so the dispatching thread waits for the origin's answer to the handshake (bounded by the connect
 * and read timeouts). That wait is the one blocking step, paid once per WebSocket, never per message; an open
 * tunnel holds no thread.
 */
public final class WebSocketForwarding {

    /**
     * How the wrapper switches the client's connection once the 101 answer is set on {@code response}: it joins the
     * client's end to {@code origin} ({@link TunnelConnection#attach}) and the origin's end to the client's.
     */
    @FunctionalInterface
    public interface Upgrade {
        void upgrade(HttpServletRequest request, HttpServletResponse response, TunnelConnection origin)
                throws IOException, ServletException;
    }

    /** The servlet API's own upgrade ({@link ClientTunnel}), for requests dispatched to a servlet context. */
    public static final Upgrade SERVLET_UPGRADE = (request, response, origin) ->
            request.upgrade(ClientTunnel.class).connect(origin);

    private WebSocketForwarding() {
    }

    /** Whether the request opens a WebSocket ({@link UpgradeHandshake#requested}). */
    public static boolean isUpgrade(HttpServletRequest request) {
        return UpgradeHandshake.requested(request.getMethod(), request.getProtocol(), request.getHeader("Upgrade"),
                Collections.list(request.getHeaders("Connection")));
    }

    /**
     * Sends the handshake to the decision's origin (failing over like any request) and answers the client: the
     * origin's 101 with the tunnel behind it, the origin's refusal as it came, or the 52x of a failed forward.
     */
    public static void forward(HttpServletRequest request, HttpServletResponse response,
                               RouteDecision.Forward decision, UpstreamClient upstream, Upgrade upgrade)
            throws IOException {
        final ProxyExchange exchange = new ProxyExchange(decision, request.getMethod(), RequestBody.NONE);
        final long waitMillis = upstream.settings().connectTimeout().toMillis()
                                + upstream.settings().readTimeout().toMillis();
        while (true) {
            final RouteDecision.Forward forward = exchange.forward();
            final Request proxyRequest = upstream.newRequest(forward, request.getMethod(), request.getRequestURI(),
                    request.getQueryString());
            ServletForwarding.copyRequestHeaders(request, forward, proxyRequest);
            final String protocol = request.getHeader("Upgrade");
            proxyRequest.headers(headers -> headers.put(HttpHeader.CONNECTION, "Upgrade")
                    .put(HttpHeader.UPGRADE, protocol));
            final UpgradeHandshake.Result result = await(UpgradeHandshake.send(upstream, exchange, proxyRequest),
                    waitMillis);
            if (result instanceof UpgradeHandshake.Switched switched) {
                exchange.responded(HttpServletResponse.SC_SWITCHING_PROTOCOLS);
                switchClient(request, response, forward, switched, upgrade);
                return;
            }
            if (result instanceof UpgradeHandshake.Answered answered) {
                exchange.responded(answered.response().getStatus());
                relay(response, forward, answered);
                return;
            }
            final UpgradeHandshake.Failed failed = (UpgradeHandshake.Failed) result;
            if (exchange.failed(failed.cause(), failed.status(), false) == ProxyExchange.Step.GIVE_UP) {
                ServletForwarding.writeFailure(response, exchange.failure(), exchange.forward());
                return;
            }
        }
    }

    private static UpgradeHandshake.Result await(UpgradeHandshake handshake, long waitMillis) {
        try {
            return handshake.result().get(waitMillis, TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            handshake.abandon(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            handshake.abandon(e);
        } catch (ExecutionException e) {
            handshake.abandon(e.getCause()); // never completed exceptionally; kept for completeness
        }
        return handshake.result().join();
    }

    private static void switchClient(HttpServletRequest request, HttpServletResponse response,
                                     RouteDecision.Forward forward, UpgradeHandshake.Switched switched,
                                     Upgrade upgrade) throws IOException {
        try {
            response.setStatus(HttpServletResponse.SC_SWITCHING_PROTOCOLS);
            // Sec-WebSocket-Accept/-Protocol/-Extensions pass as end-to-end headers; the hop-by-hop pair that
            // performs the switch is this hop's own.
            ServletForwarding.copyResponseHeaders(switched.response(), forward, response);
            response.setHeader("Connection", "Upgrade");
            response.setHeader("Upgrade", switched.response().getHeaders().get(HttpHeader.UPGRADE));
            upgrade.upgrade(request, response, switched.tunnel());
        } catch (IOException | ServletException | RuntimeException e) {
            switched.tunnel().close(e);
            if (!response.isCommitted()) {
                response.reset();
                response.sendError(HttpServletResponse.SC_BAD_GATEWAY);
            }
        }
    }

    private static void relay(HttpServletResponse response, RouteDecision.Forward forward,
                              UpgradeHandshake.Answered answered) throws IOException {
        response.setStatus(answered.response().getStatus());
        ServletForwarding.copyResponseHeaders(answered.response(), forward, response);
        response.setContentLength(answered.body().length);
        response.getOutputStream().write(answered.body());
    }
}
