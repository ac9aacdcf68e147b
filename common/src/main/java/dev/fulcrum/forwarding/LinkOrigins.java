package dev.fulcrum.forwarding;

import dev.fulcrum.routing.RouteDecision;
import dev.fulcrum.upstream.UpstreamClient;
import dev.fulcrum.upstream.link.OriginCall;
import dev.fulcrum.upstream.link.OriginLinks;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.io.Content;

/**
 * The {@link OriginSide} of the Jetty core hosts: plain HTTP/1.1 attempts on the runtime's {@link OriginLinks}, and
 * what the links do not speak (TLS to origins, HTTP/2 for gRPC, WebSocket handshakes) through Jetty's client as
 * before ({@link HttpClientOrigins}). The choice is made per attempt, since a failover may move to an origin of the
 * other kind.
 *
 * <p>Thread safety: shared; one {@link Channel} per client request.
 */
final class LinkOrigins implements OriginSide {

    private static final String HTTP = "http";

    private final UpstreamClient upstream;
    private final OriginLinks links;
    private final HttpClientOrigins client;

    LinkOrigins(UpstreamClient upstream, OriginLinks links) {
        this.upstream = upstream;
        this.links = links;
        this.client = new HttpClientOrigins(upstream);
    }

    @Override
    public Exchange open(Attempt attempt) {
        return new Channel(attempt);
    }

    @Override
    public int replayLimit() {
        return client.replayLimit(); // one limit whichever side sends an attempt
    }

    /** One client request's attempts, each on a link or through the client. */
    private final class Channel implements Exchange, OriginCall {

        private final Attempt attempt;
        /** The client's exchange, opened by the first attempt that needs it. */
        private Exchange viaClient;
        /** The current attempt went through the client. */
        private volatile boolean clientAttempt;
        private volatile OriginLinks.InFlight inFlight;
        private volatile boolean bodyTouched;

        Channel(Attempt attempt) {
            this.attempt = attempt;
        }

        @Override
        public void send() {
            final RouteDecision.Forward forward = attempt.forward();
            if (!HTTP.equals(forward.scheme()) || attempt.http2() || attempt.upgrade()) {
                if (viaClient == null) {
                    viaClient = client.open(attempt);
                }
                clientAttempt = true;
                viaClient.send();
                return;
            }
            clientAttempt = false;
            if (attempt.freshConnection()) {
                upstream.staleConnectionRetried(forward);
            }
            inFlight = links.send(forward.address(), forward.port(), attempt.freshConnection(), this);
        }

        @Override
        public void abort(Throwable cause) {
            if (clientAttempt) {
                viaClient.abort(cause);
                return;
            }
            final OriginLinks.InFlight current = inFlight;
            if (current != null) {
                current.abort(cause);
            }
        }

        @Override
        public boolean streamedBodyUntouched() {
            return !bodyTouched && (viaClient == null || viaClient.streamedBodyUntouched());
        }

        // ---- the link's call

        @Override
        public String method() {
            return attempt.method();
        }

        @Override
        public String rawPath() {
            return attempt.rawPath();
        }

        @Override
        public String rawQuery() {
            return attempt.rawQuery();
        }

        @Override
        public void requestHeaders(HttpFields.Mutable headers) {
            attempt.requestHeaders(headers);
        }

        @Override
        public byte[] bufferedBody() {
            return attempt.bufferedBody();
        }

        @Override
        public Content.Source streamedBody() {
            final Content.Source body = attempt.streamedBody();
            if (body != null) {
                bodyTouched = true;
            }
            return body;
        }

        @Override
        public void bodyFailed() {
            attempt.clientGone(); // the client went away (or timed out): the origin is not to blame
        }

        @Override
        public void head(int status, HttpFields headers) {
            attempt.originHead(status, headers);
        }

        @Override
        public void content(Content.Chunk chunk, Runnable demand) {
            attempt.originContent(chunk, demand);
        }

        @Override
        public void complete(HttpFields trailers) {
            attempt.originComplete(trailers);
        }

        @Override
        public void failed(Throwable cause, int status) {
            attempt.originFailed(cause, status);
        }
    }
}
