package dev.fulcrum.metrics;

import dev.fulcrum.routing.RequestView;
import dev.fulcrum.routing.RouteDecision;
import dev.fulcrum.routing.Router;
import dev.fulcrum.upstream.ProxyExchange;
import dev.fulcrum.upstream.RequestBody;
import dev.fulcrum.upstream.UpstreamClient;
import org.eclipse.jetty.client.BufferingResponseListener;
import org.eclipse.jetty.client.Result;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * What a wrapper does with a GET, minus the container: route, send through the real upstream client, report through
 * {@link ProxyExchange} (stale-connection retry and failover included). Returns the status the client would get.
 */
final class Forwarder {

    private final Router router;
    private final UpstreamClient upstream;

    Forwarder(Router router, UpstreamClient upstream) {
        this.router = router;
        this.upstream = upstream;
    }

    int get(String host, String path) throws Exception {
        return get(host, path, null);
    }

    int get(String host, String path, String query) throws Exception {
        return send(router.route(new View(host, path, query)), path, query);
    }

    /** Forwards a decision already taken (e.g. to read its {@code Set-Cookie} first); returns the client's status. */
    int send(RouteDecision decision, String path, String query) throws Exception {
        if (decision == null) {
            return 404;
        }
        if (decision instanceof RouteDecision.Respond respond) {
            return respond.status();
        }
        final ProxyExchange exchange = new ProxyExchange((RouteDecision.Forward) decision, "GET", RequestBody.NONE);
        while (true) {
            final CompletableFuture<Result> done = new CompletableFuture<>();
            exchange.begin();
            upstream.send(exchange.forward(), upstream.newRequest(exchange.forward(), "GET", path, query),
                    exchange.freshConnection(),
                    new BufferingResponseListener() {
                        @Override
                        public void onComplete(Result result) {
                            done.complete(result);
                        }
                    });
            final Result result = done.get(30, TimeUnit.SECONDS);
            if (result.isSucceeded()) {
                exchange.responded(result.getResponse().getStatus());
                return result.getResponse().getStatus();
            }
            final int status = result.getResponse() == null ? 0 : result.getResponse().getStatus();
            if (exchange.failed(result.getFailure(), status, false) == ProxyExchange.Step.GIVE_UP) {
                return exchange.failure().status();
            }
        }
    }

    /** A plain GET from 192.0.2.10 over http, with a {@code Cookie} header when {@code cookie} is not null. */
    record View(String host, String path, String query, String cookie) implements RequestView {

        View(String host, String path, String query) {
            this(host, path, query, null);
        }

        @Override
        public String method() {
            return "GET";
        }

        @Override
        public String scheme() {
            return "http";
        }

        @Override
        public String clientAddress() {
            return "192.0.2.10";
        }

        @Override
        public String header(String name) {
            return "Host".equalsIgnoreCase(name) ? host : "Cookie".equalsIgnoreCase(name) ? cookie : null;
        }

        @Override
        public String cookie(String name) {
            if (cookie != null) {
                for (String pair : cookie.split(";")) {
                    final int eq = pair.indexOf('=');
                    if (eq > 0 && pair.substring(0, eq).strip().equals(name)) {
                        return pair.substring(eq + 1).strip();
                    }
                }
            }
            return null;
        }
    }
}
