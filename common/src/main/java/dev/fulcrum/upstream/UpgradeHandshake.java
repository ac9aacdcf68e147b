package dev.fulcrum.upstream;

import org.eclipse.jetty.client.BufferingResponseListener;
import org.eclipse.jetty.client.HttpUpgrader;
import org.eclipse.jetty.client.Request;
import org.eclipse.jetty.client.Response;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.util.Callback;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;

/**
 * Sends one WebSocket opening handshake to an origin through the shared upstream client and tells how it ended:
 * the origin switched protocols (its connection now belongs to an {@link TunnelConnection}), answered with an ordinary
 * response (relayed as such, e.g. 400 or 403 from an origin that refuses the upgrade), or could not be reached.
 *
 * <p>Jetty's client hands over the connection through its {@link HttpUpgrader} hook, found in the request
 * attribute named after {@link HttpUpgrader.Factory}; the upgrade protocol handler it consults is registered by
 * {@link UpstreamClient}. Thread safety: one instance per handshake.
 */
public final class UpgradeHandshake {

    /** A refusal's body is relayed whole; origins send a line or two, this bounds a hostile one. */
    private static final int MAX_REFUSAL_BODY = 64 * 1024;

    /** How a handshake ended. */
    public sealed interface Result permits Switched, Answered, Failed {
    }

    /** The origin answered 101; {@code tunnel} owns its connection now. */
    public record Switched(Response response, TunnelConnection tunnel) implements Result {
    }

    /** The origin answered without switching; relay the answer. */
    public record Answered(Response response, byte[] body) implements Result {
    }

    /** No usable answer; {@code status} is the origin's if its response had begun, else 0. */
    public record Failed(Throwable cause, int status) implements Result {
    }

    private final CompletableFuture<Result> result = new CompletableFuture<>();
    private final Request request;

    private UpgradeHandshake(Request request) {
        this.request = request;
    }

    /**
     * Sends {@code request} (a GET carrying {@code Connection: Upgrade} and {@code Upgrade}, built with
     * {@link UpstreamClient#newRequest}) and returns the handshake whose {@link #result} completes once. An
     * established tunnel is closed after the upstream read timeout without a byte in either direction (Cloudflare
     * closes idle WebSockets after 100 s, the read timeout's default).
     *
     * @param exchange the request's exchange, whose current attempt this is (marked as started)
     */
    public static UpgradeHandshake send(UpstreamClient upstream, ProxyExchange exchange, Request request) {
        final Executor executor = upstream.httpClient().getExecutor();
        final long tunnelIdleTimeout = upstream.settings().readTimeout().toMillis();
        final UpgradeHandshake handshake = new UpgradeHandshake(request);
        final HttpUpgrader upgrader = new HttpUpgrader() {
            @Override
            public void prepare(Request upgradeRequest) {
                // The headers were set by the caller; nothing to add.
            }

            @Override
            public void upgrade(Response response, EndPoint endPoint, Callback callback) {
                final TunnelConnection tunnel = new TunnelConnection(endPoint, executor, tunnelIdleTimeout);
                endPoint.upgrade(tunnel);
                callback.succeeded();
                if (!handshake.result.complete(new Switched(response, tunnel))) {
                    tunnel.close(null); // the waiting side gave up already
                }
            }
        };
        request.attribute(HttpUpgrader.Factory.class.getName(), (HttpUpgrader.Factory) version -> upgrader);
        upstream.send(exchange, request, null, new BufferingResponseListener(MAX_REFUSAL_BODY) {
            @Override
            public void onComplete(org.eclipse.jetty.client.Result exchange) {
                if (exchange.isFailed()) {
                    final Response response = exchange.getResponse();
                    handshake.result.complete(new Failed(exchange.getFailure(),
                            response == null ? 0 : response.getStatus()));
                } else if (exchange.getResponse().getStatus() != 101) {
                    handshake.result.complete(new Answered(exchange.getResponse(), getContent()));
                }
            }
        });
        return handshake;
    }

    /**
     * Gives up waiting (e.g. the origin is too slow to answer): the result becomes {@link Failed} with
     * {@code cause} unless it was already decided, and a connection switched afterwards is closed.
     */
    public void abandon(Throwable cause) {
        if (result.complete(new Failed(cause, 0))) {
            request.abort(cause);
        }
    }

    /**
     * Whether a request opens a WebSocket (RFC 6455 §4.1): a GET over HTTP/1.1 with {@code Upgrade: websocket} and
     * {@code upgrade} among its {@code Connection} tokens. Only these are tunnelled [G: the protocol Cloudflare
     * proxies]; other upgrades (h2c, TLS) are forwarded as plain requests without their hop-by-hop headers.
     */
    public static boolean requested(String method, String protocol, String upgrade, Iterable<String> connection) {
        if (upgrade == null || !"websocket".equalsIgnoreCase(upgrade.trim()) || !"GET".equals(method)
            || !"HTTP/1.1".equals(protocol)) {
            return false;
        }
        for (String value : connection) {
            for (String token : value.split(",")) {
                if ("upgrade".equalsIgnoreCase(token.trim())) {
                    return true;
                }
            }
        }
        return false;
    }

    /** Completes once with how the handshake ended. */
    public CompletableFuture<Result> result() {
        return result;
    }
}
