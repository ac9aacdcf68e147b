package dev.fulcrum.forwarding;

import dev.fulcrum.routing.RouteDecision;
import dev.fulcrum.upstream.TunnelConnection;
import dev.fulcrum.upstream.UpstreamClient;
import org.eclipse.jetty.client.BytesRequestContent;
import org.eclipse.jetty.client.HttpUpgrader;
import org.eclipse.jetty.client.Request;
import org.eclipse.jetty.client.Response;
import org.eclipse.jetty.client.Result;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.util.Callback;

import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * The {@link OriginSide} over the runtime's {@link UpstreamClient} (Jetty's {@code HttpClient}): each attempt is a
 * client request built by {@link UpstreamClient#newRequest} and sent through its connection pool, or on a fresh
 * connection for a stale-connection retry; the answer comes back through Jetty's response listener, chunk by chunk
 * with demand.
 *
 * <p>A WebSocket handshake's 101 hands the origin's connection over through Jetty's {@link HttpUpgrader} hook (found
 * in the request attribute named after {@link HttpUpgrader.Factory}; {@code UpstreamClient} registers the upgrade
 * protocol handler that consults it) to a {@link TunnelConnection}, closed after the upstream read timeout without a
 * byte in either direction (Cloudflare closes idle WebSockets after 100 s, the read timeout's default).
 *
 * <p>Thread safety: shared; one {@link Channel} per client request.
 */
final class HttpClientOrigins implements OriginSide {

    // Bodies carry the client's Content-Type header (or none); the content object must not invent one.
    private static final String NO_CONTENT_TYPE = null;

    private final UpstreamClient upstream;

    HttpClientOrigins(UpstreamClient upstream) {
        this.upstream = upstream;
    }

    @Override
    public Exchange open(Attempt attempt) {
        return new Channel(attempt);
    }

    @Override
    public int replayLimit() {
        return upstream.settings().replayBufferBytes();
    }

    /**
     * One client request's attempts: the listener of each, and the client's streamed body as the content of the
     * (only) attempt that carries it, read as the upstream client asks for it.
     */
    private final class Channel implements Exchange, Response.Listener, Request.Content,
            Consumer<HttpFields.Mutable> {

        private final Attempt attempt;
        /** The request in flight, aborted when the client goes away. */
        private volatile Request current;
        /** The status of the attempt in flight once its response began, else 0. */
        private volatile int status;
        private Content.Source streamed;
        /** An attempt read from the streamed body, or waited for it. */
        private volatile boolean bodyTouched;

        Channel(Attempt attempt) {
            this.attempt = attempt;
        }

        @Override
        public void send() {
            final RouteDecision.Forward forward = attempt.forward();
            final Request request = upstream.newRequest(forward, attempt.method(), attempt.rawPath(),
                    attempt.rawQuery(), attempt.http2());
            request.headers(this); // the attempt's headers, without a method reference object per send
            final byte[] buffered = attempt.bufferedBody();
            if (buffered != null) {
                request.body(new BytesRequestContent(NO_CONTENT_TYPE, buffered));
            } else if ((streamed = attempt.streamedBody()) != null) {
                request.body(this);
            }
            if (attempt.upgrade()) {
                upgrading(request);
            }
            status = 0;
            current = request;
            upstream.send(forward, request, attempt.freshConnection(), this);
        }

        @Override
        public void accept(HttpFields.Mutable headers) {
            attempt.requestHeaders(headers);
        }

        @Override
        public void abort(Throwable cause) {
            final Request inFlight = current;
            if (inFlight != null) {
                inFlight.abort(cause);
            }
        }

        @Override
        public boolean streamedBodyUntouched() {
            return !bodyTouched;
        }

        private void upgrading(Request request) {
            final HttpUpgrader upgrader = new HttpUpgrader() {
                @Override
                public void prepare(Request upgradeRequest) {
                    // The loop set the headers; nothing to add.
                }

                @Override
                public void upgrade(Response response, EndPoint endPoint, Callback callback) {
                    final TunnelConnection tunnel = new TunnelConnection(endPoint,
                            upstream.httpClient().getExecutor(), upstream.settings().readTimeout().toMillis());
                    endPoint.upgrade(tunnel);
                    callback.succeeded();
                    attempt.originSwitched(response.getHeaders(), tunnel);
                }
            };
            request.attribute(HttpUpgrader.Factory.class.getName(), (HttpUpgrader.Factory) version -> upgrader);
            // A servlet host waits for the handshake on the request's own thread: the whole of it (a queued one
            // included) is bounded by what connecting and a first answer may take.
            final long limit = upstream.settings().connectTimeout().toMillis()
                               + upstream.settings().readTimeout().toMillis();
            request.timeout(limit, TimeUnit.MILLISECONDS);
        }

        /** A 101 answering a handshake: delivered by the upgrader, not as an ordinary answer. */
        private boolean switching(Response response) {
            return response.getStatus() == 101 && attempt.upgrade();
        }

        @Override
        public void onBegin(Response response) {
            status = response.getStatus();
        }

        @Override
        public void onHeaders(Response response) {
            if (!switching(response)) {
                attempt.originHead(response.getStatus(), response.getHeaders());
            }
        }

        @Override
        public void onContent(Response response, Content.Chunk chunk, Runnable demander) {
            attempt.originContent(chunk, demander);
        }

        @Override
        public void onComplete(Result result) {
            if (result.isFailed()) {
                attempt.originFailed(result.getFailure(), status);
            } else if (!switching(result.getResponse())) {
                attempt.originComplete(result.getResponse().getTrailers());
            }
        }

        // ---- the client's streamed body, sent once, never rewound

        @Override
        public long getLength() {
            return streamed.getLength();
        }

        @Override
        public Content.Chunk read() {
            bodyTouched = true;
            final Content.Chunk chunk = streamed.read();
            if (Content.Chunk.isFailure(chunk)) {
                attempt.clientGone(); // the client went away (or timed out): the origin is not to blame
            }
            return chunk;
        }

        @Override
        public void demand(Runnable demandCallback) {
            bodyTouched = true;
            streamed.demand(demandCallback);
        }

        @Override
        public void fail(Throwable failure) {
            // The upstream side gave up on the body. Failing the client's request would fail its answer too (Jetty
            // treats it as a failed channel), so the 52x could not be written: the rest of the body is left unread,
            // and the container discards it (or closes the connection) once the answer is complete.
        }

        @Override
        public String getContentType() {
            return NO_CONTENT_TYPE;
        }

        @Override
        public boolean rewind() {
            return false;
        }
    }
}
