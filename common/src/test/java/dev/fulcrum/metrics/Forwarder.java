package dev.fulcrum.metrics;

import dev.fulcrum.routing.RouteDecision;
import dev.fulcrum.routing.Router;
import dev.fulcrum.testing.TestRequest;
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
        final String target = query == null ? path : path + "?" + query;
        return send(router.route(TestRequest.to(host).target(target)), path, query);
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
}
