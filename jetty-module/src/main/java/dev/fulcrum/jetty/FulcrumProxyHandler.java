package dev.fulcrum.jetty;

import dev.fulcrum.forwarding.Forwarding;
import dev.fulcrum.forwarding.OriginSide;
import dev.fulcrum.routing.RouteDecision;
import dev.fulcrum.routing.Router;
import dev.fulcrum.routing.TrustedProxies;
import dev.fulcrum.runtime.FulcrumSettings;
import dev.fulcrum.upstream.DirectAnswer;
import dev.fulcrum.upstream.UpstreamClient;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

import java.util.Objects;

/**
 * Fulcrum's data plane as a Jetty core {@link Handler}, without the servlet layer: it answers every request it is
 * given by asking the router, and forwards through the runtime's shared {@link UpstreamClient}. It serves the
 * standalone's proxy connector and the Jetty module's load-balancer hosts; the WAR's proxy servlet does the
 * same job in any servlet container, with the same rules from common (no rule of its own here):
 * <ul>
 *   <li>no decision (the host is no load balancer's): 404, never proxied; a {@link RouteDecision.Respond} is
 *       written as it is ({@link DirectAnswer});</li>
 *   <li>a {@link RouteDecision.Forward} goes to common's forwarding loop ({@link Forwarding}: stale-connection
 *       retry, zero-downtime failover, the 52x answers, exactly one outcome) with a {@link CoreClient} as its client
 *       side; a WebSocket handshake too, which then becomes a byte tunnel.</li>
 * </ul>
 *
 * <p><b>Why not Jetty's {@code org.eclipse.jetty.proxy.ProxyHandler}.</b> Its request path is one straight call
 * with no place for a second send (retry, failover) or for reading a body before the first send; it owns its
 * {@code HttpClient} as a managed bean (it would stop the runtime's shared client with the handler); and its header
 * filtering and {@code Via}/{@code Forwarded} headers are its own rules, not common's. What it does per exchange
 * (core request and response, {@code Content.Chunk} relayed with demand) is what {@link CoreClient} does.
 *
 * <p><b>Why it is faster than the servlet.</b> No servlet request/response wrappers, no async servlet state machine
 * and its extra dispatches, headers passed on as Jetty fields instead of strings through the servlet API (see
 * BENCHMARKS.md, side-by-side benchmark).
 *
 * <p>Lifecycle: nothing of its own; the router and upstream client belong to the runtime and outlive it.
 * Thread safety: safe to share; per-request state lives in the loop and its {@link CoreClient}.
 */
public final class FulcrumProxyHandler extends Handler.Abstract {

    private final Router router;
    private final OriginSide origins;
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
        this.origins = OriginSide.linked(Objects.requireNonNull(upstream, "upstream"));
        this.trustedProxies = Objects.requireNonNull(trustedProxies, "trustedProxies");
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) {
        return handle(route(request), request, response, callback);
    }

    /**
     * Non-blocking: routing reads a snapshot, and the forwarding loop reads, writes and waits only through callbacks
     * (origin links, Jetty's client, the core response). A server whose handlers are all such runs each request on
     * the selector thread that read it; the standalone's proxy ports do so too ({@code ClientGuards}).
     */
    @Override
    public InvocationType getInvocationType() {
        return InvocationType.NON_BLOCKING;
    }

    /** The router's decision for {@code request} (null: no load balancer's). */
    RouteDecision route(Request request) {
        return router.route(new CoreRequestView(request, trustedProxies));
    }

    /** Answers {@code request} by {@code decision}, taken already. */
    boolean handle(RouteDecision decision, Request request, Response response, Callback callback) {
        if (!(decision instanceof RouteDecision.Forward forward)) {
            CoreResponses.write(response, callback, decision == null ? DirectAnswer.notFound()
                    : DirectAnswer.of((RouteDecision.Respond) decision));
        } else if (opensWebSocket(request)) {
            Forwarding.upgrade(forward, new CoreClient(request, response, callback), origins, null);
        } else {
            Forwarding.forward(forward, new CoreClient(request, response, callback), origins);
        }
        return true;
    }

    private static boolean opensWebSocket(Request request) {
        final HttpFields headers = request.getHeaders();
        final String upgrade = headers.get(HttpHeader.UPGRADE);
        // Most requests ask for no upgrade: their Connection values are not even listed.
        return upgrade != null && Forwarding.opensWebSocket(request.getMethod(),
                request.getConnectionMetaData().getProtocol(), upgrade, headers.getValuesList(HttpHeader.CONNECTION));
    }
}
