package dev.fulcrum.jetty;

import dev.fulcrum.routing.RouteDecision;
import dev.fulcrum.routing.Router;
import dev.fulcrum.routing.TrustedProxies;
import dev.fulcrum.runtime.FulcrumSettings;
import dev.fulcrum.upstream.DirectAnswer;
import dev.fulcrum.upstream.ProxyExchange;
import dev.fulcrum.upstream.RequestBody;
import dev.fulcrum.upstream.UpstreamClient;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

import java.util.Objects;

/**
 * Fulcrum's data plane as a Jetty core {@link Handler}, without the servlet layer: it answers every request it is
 * given by asking the router, and forwards through the runtime's shared {@link UpstreamClient}. It serves the
 * standalone's proxy connector and the Jetty module's load-balancer hosts; {@link FulcrumProxyServlet} does the
 * same job in any servlet container (the WAR), with the same rules from common (no rule of its own here):
 * <ul>
 *   <li>no decision (the host is no load balancer's): 404, never proxied; a {@link RouteDecision.Respond} is
 *       written as it is ({@link DirectAnswer});</li>
 *   <li>a {@link RouteDecision.Forward} becomes a {@link ProxyExchange} (stale-connection retry, zero-downtime
 *       failover, exactly one outcome) driven by a {@link CoreForwarding}, which applies common's header rules and
 *       answers failures with the 52x codes;</li>
 *   <li>a WebSocket handshake goes through {@link CoreWebSocket} and becomes a byte tunnel.</li>
 * </ul>
 *
 * <p><b>Why not Jetty's {@code org.eclipse.jetty.proxy.ProxyHandler}.</b> Its request path is one straight call
 * with no place for a second send (retry, failover) or for reading a body before the first send; it owns its
 * {@code HttpClient} as a managed bean (it would stop the runtime's shared client with the handler); and its header
 * filtering and {@code Via}/{@code Forwarded} headers are its own rules, not common's. What it does per exchange
 * (core request and response, {@code Content.Chunk} relayed with demand) is what {@link CoreForwarding} does.
 *
 * <p><b>Why it is faster than the servlet.</b> No servlet request/response wrappers, no async servlet state machine
 * and its extra dispatches, headers passed on as Jetty fields instead of strings through the servlet API (see
 * BENCHMARKS.md, side-by-side benchmark).
 *
 * <p>Lifecycle: nothing of its own; the router and upstream client belong to the runtime and outlive it.
 * Thread safety: safe to share; per-request state lives in {@link CoreForwarding}.
 */
public final class FulcrumProxyHandler extends Handler.Abstract {

    private final Router router;
    private final UpstreamClient upstream;
    private final TrustedProxies trustedProxies;

    /**
     * Sets what this handler wants from the runtime's upstream client, on the runtime's settings before it starts
     * (the standalone and the Jetty module do): the client's callbacks on its selector threads, one per CPU, since the
     * handler never blocks there ({@link FulcrumSettings.Builder#selectorCallbacks()}).
     */
    public static FulcrumSettings.Builder tuneUpstream(FulcrumSettings.Builder settings) {
        return settings.selectorCallbacks();
    }

    /** A handler that takes the connecting peer (or what the connector's customizers made of it) as the client. */
    public FulcrumProxyHandler(Router router, UpstreamClient upstream) {
        this(router, upstream, TrustedProxies.NONE);
    }

    /**
     * @param trustedProxies the proxies in front whose {@code X-Forwarded-For} names the client (the runtime's
     *                       {@code FulcrumSettings#trustedProxies}); {@link TrustedProxies#NONE} for none
     */
    public FulcrumProxyHandler(Router router, UpstreamClient upstream, TrustedProxies trustedProxies) {
        this.router = Objects.requireNonNull(router, "router");
        this.upstream = Objects.requireNonNull(upstream, "upstream");
        this.trustedProxies = Objects.requireNonNull(trustedProxies, "trustedProxies");
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) {
        final RouteDecision decision = router.route(new CoreRequestView(request, trustedProxies));
        if (!(decision instanceof RouteDecision.Forward forward)) {
            CoreResponses.write(response, callback, decision == null ? DirectAnswer.notFound()
                    : DirectAnswer.of((RouteDecision.Respond) decision));
            return true;
        }
        if (CoreWebSocket.requested(request)) {
            new CoreWebSocket(upstream, request, response, callback, forward).start();
            return true;
        }
        final ProxyExchange exchange = new ProxyExchange(forward, request.getMethod(), requestBody(request));
        try {
            new CoreForwarding(upstream, request, response, callback, exchange).start();
        } catch (RuntimeException e) {
            // A decision was taken but never sent: its outcome is still owed. Jetty fails the callback (500).
            exchange.cancelled();
            throw e;
        }
        return true;
    }

    private RequestBody requestBody(Request request) {
        return RequestBody.classify(request.getMethod(), request.getConnectionMetaData().getProtocol(),
                request.getLength(), request.getHeaders().contains(HttpHeader.TRANSFER_ENCODING),
                upstream.settings().replayBufferBytes());
    }
}
