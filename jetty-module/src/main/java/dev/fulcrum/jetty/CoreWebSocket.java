package dev.fulcrum.jetty;

import dev.fulcrum.routing.RouteDecision;
import dev.fulcrum.upstream.DirectAnswer;
import dev.fulcrum.upstream.ProxyExchange;
import dev.fulcrum.upstream.RequestBody;
import dev.fulcrum.upstream.UpgradeHandshake;
import dev.fulcrum.upstream.UpstreamClient;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

import java.nio.ByteBuffer;

/**
 * A WebSocket opening handshake through {@link FulcrumProxyHandler}: sent to the decision's origin (failing over
 * like any request), then answered with the origin's 101, its client connection joined to the origin's by
 * {@link JettyUpgrade}; or with the origin's refusal as it came; or with the 52x of a failed forward. Unlike the
 * servlet wrappers, nothing waits: the answer is written from the handshake's completion.
 *
 * <p>Thread safety: one instance per handshake; attempts follow each other.
 */
final class CoreWebSocket {

    private final UpstreamClient upstream;
    private final Request request;
    private final Response response;
    private final Callback callback;
    private final ProxyExchange exchange;

    CoreWebSocket(UpstreamClient upstream, Request request, Response response, Callback callback,
                  RouteDecision.Forward decision) {
        this.upstream = upstream;
        this.request = request;
        this.response = response;
        this.callback = callback;
        this.exchange = new ProxyExchange(decision, request.getMethod(), RequestBody.NONE);
    }

    /** Whether the request opens a WebSocket ({@link UpgradeHandshake#requested}). */
    static boolean requested(Request request) {
        final HttpFields headers = request.getHeaders();
        return UpgradeHandshake.requested(request.getMethod(), request.getConnectionMetaData().getProtocol(),
                headers.get(HttpHeader.UPGRADE), headers.getValuesList(HttpHeader.CONNECTION));
    }

    void start() {
        try {
            send();
        } catch (RuntimeException e) {
            exchange.cancelled(); // decided but never sent: the outcome is still owed
            throw e;
        }
    }

    private void send() {
        final org.eclipse.jetty.client.Request proxyRequest = CoreForwarding.originRequest(upstream,
                exchange.forward(), request);
        final String protocol = request.getHeaders().get(HttpHeader.UPGRADE);
        // The hop-by-hop pair that asks for the switch is this hop's own.
        proxyRequest.headers(headers -> headers.put(HttpHeader.CONNECTION, "Upgrade")
                .put(HttpHeader.UPGRADE, protocol));
        UpgradeHandshake.send(upstream, exchange, proxyRequest).result().thenAccept(this::ended);
    }

    private void ended(UpgradeHandshake.Result result) {
        if (result instanceof UpgradeHandshake.Switched switched) {
            exchange.responded(101);
            CoreResponses.copyHead(switched.response(), exchange.forward(), response);
            response.getHeaders().put(HttpHeader.CONNECTION, "Upgrade")
                    .put(HttpHeader.UPGRADE, switched.response().getHeaders().get(HttpHeader.UPGRADE));
            JettyUpgrade.upgrade(request, switched.tunnel());
            callback.succeeded();
        } else if (result instanceof UpgradeHandshake.Answered answered) {
            exchange.responded(answered.response().getStatus());
            CoreResponses.copyHead(answered.response(), exchange.forward(), response);
            response.write(true, ByteBuffer.wrap(answered.body()), callback);
        } else {
            final UpgradeHandshake.Failed failed = (UpgradeHandshake.Failed) result;
            if (exchange.failed(failed.cause(), failed.status(), false) == ProxyExchange.Step.GIVE_UP) {
                CoreResponses.write(response, callback, DirectAnswer.failure(exchange.failure(), exchange.forward()));
            } else {
                send();
            }
        }
    }
}
