package dev.fulcrum.metrics;

import dev.fulcrum.forwarding.ClientSide;
import dev.fulcrum.forwarding.Forwarding;
import dev.fulcrum.forwarding.OriginSide;
import dev.fulcrum.forwarding.ResponseHead;
import dev.fulcrum.routing.RouteDecision;
import dev.fulcrum.routing.Router;
import dev.fulcrum.testing.TestRequest;
import dev.fulcrum.upstream.DirectAnswer;
import dev.fulcrum.upstream.OriginRequestHeaders;
import dev.fulcrum.upstream.TunnelConnection;
import dev.fulcrum.upstream.UpstreamClient;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.util.Callback;

import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * What a wrapper does with a GET, minus the container: route, then the real forwarding loop (stale-connection retry,
 * failover, outcome reports) through the real upstream client, with a client side that only notes the status the
 * client would get.
 */
final class Forwarder {

    private final Router router;
    private final OriginSide origins;

    Forwarder(Router router, UpstreamClient upstream) {
        this.router = router;
        this.origins = OriginSide.over(upstream);
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
        final StatusOnly client = new StatusOnly(path, query);
        Forwarding.forward((RouteDecision.Forward) decision, client, origins);
        return client.status.get(30, TimeUnit.SECONDS);
    }

    /** A body-less GET whose answer is read and dropped; completes with the status the client would see. */
    private static final class StatusOnly implements ClientSide {

        private final String path;
        private final String query;
        private final CompletableFuture<Integer> status = new CompletableFuture<>();
        private int head;

        StatusOnly(String path, String query) {
            this.path = path;
            this.query = query;
        }

        @Override
        public void start(Forwarding forwarding) {
        }

        @Override
        public String method() {
            return "GET";
        }

        @Override
        public String rawPath() {
            return path;
        }

        @Override
        public String rawQuery() {
            return query;
        }

        @Override
        public String protocol() {
            return "HTTP/1.1";
        }

        @Override
        public long contentLength() {
            return -1;
        }

        @Override
        public String header(String name) {
            return null;
        }

        @Override
        public List<String> headerValues(String name) {
            return List.of();
        }

        @Override
        public void copyHeaders(OriginRequestHeaders rules, HttpFields.Mutable headers) {
        }

        @Override
        public void readBody(int length) {
            throw new UnsupportedOperationException("no body");
        }

        @Override
        public Content.Source body() {
            throw new UnsupportedOperationException("no body");
        }

        @Override
        public void head(ResponseHead responseHead) {
            head = responseHead.status();
        }

        @Override
        public void write(ByteBuffer bytes, Callback written) {
            written.succeeded();
        }

        @Override
        public void finish(HttpFields trailers) {
            status.complete(head);
        }

        @Override
        public void answer(DirectAnswer answer) {
            status.complete(answer.status());
        }

        @Override
        public void abort(Throwable failure) {
            status.completeExceptionally(failure);
        }

        @Override
        public void upgrade(ResponseHead responseHead, TunnelConnection origin) {
            throw new UnsupportedOperationException("no upgrade");
        }
    }
}
