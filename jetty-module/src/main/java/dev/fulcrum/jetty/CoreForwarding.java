package dev.fulcrum.jetty;

import dev.fulcrum.upstream.DirectAnswer;
import dev.fulcrum.routing.RouteDecision;
import dev.fulcrum.upstream.OriginRequestHeaders;
import dev.fulcrum.upstream.ProxyExchange;
import dev.fulcrum.upstream.RequestBody;
import dev.fulcrum.upstream.UpstreamClient;
import org.eclipse.jetty.client.Result;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpURI;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.BufferUtil;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.Promise;
import org.eclipse.jetty.util.thread.Invocable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;

/**
 * One client request on its way to its origins through {@link FulcrumProxyHandler}: reads the body as its kind
 * requires, sends each attempt {@link ProxyExchange} allows, and relays the origin's answer to the client.
 *
 * <p><b>Nothing blocks.</b> A buffered body is read with demand callbacks, a streamed one is handed to the upstream
 * client as a content source over the client request (read as the origin side can take it), and each chunk of the
 * origin's answer is written to the client before the next one is demanded. So a slow client holds no thread, and
 * every callback may run on the upstream client's selector ({@code UpstreamSettings#nonBlocking}).
 *
 * <p><b>Client gone.</b> A failed write, a failed body read or Jetty's failure notice marks the exchange's client
 * gone and aborts the attempt in flight, whose completion then reports {@code CANCELLED} and fails the request's
 * callback (Jetty closes the connection).
 *
 * <p>Concurrency: the handler's thread starts it, then the upstream client's callbacks and Jetty's demand and write
 * callbacks follow one another; the fields they share are volatile, and {@link ProxyExchange} is synchronized.
 */
final class CoreForwarding implements org.eclipse.jetty.client.Response.Listener {

    private static final Logger LOG = LoggerFactory.getLogger(CoreForwarding.class);
    // The client's Content-Type header is copied; the body's content object must not add one.
    private static final String NO_CONTENT_TYPE = null;

    private final UpstreamClient upstream;
    private final Request request;
    private final Response response;
    private final Callback callback;
    private final ProxyExchange exchange;
    /** The once-only body of a {@link RequestBody#STREAMED} request, else null. */
    private final org.eclipse.jetty.client.Request.Content streamed;
    /** The upstream request in flight, aborted when the client goes away. */
    private volatile org.eclipse.jetty.client.Request current;
    /** The status of the attempt in flight once its response began, else 0. */
    private volatile int upstreamStatus;

    CoreForwarding(UpstreamClient upstream, Request request, Response response, Callback callback,
                   ProxyExchange exchange) {
        this.upstream = upstream;
        this.request = request;
        this.response = response;
        this.callback = callback;
        this.exchange = exchange;
        this.streamed = exchange.body() == RequestBody.STREAMED ? new ClientBody() : null;
    }

    /** Reads a buffered body first, else sends at once; exceptions mean nothing was sent. */
    void start() {
        // The upstream read timeout bounds the wait for the origin; Jetty's idle timeout must not end it first. It
        // still fails a pending body read or response write, which is a client too slow, not an origin.
        request.addIdleTimeoutListener(timeout -> false);
        request.addFailureListener(this::clientFailed);
        if (exchange.body() == RequestBody.BUFFERED) {
            // At most the replay limit; Jetty answers Expect: 100-continue on the first read.
            Content.Source.asByteArrayAsync(request, (int) request.getLength(),
                    Promise.Invocable.from(Invocable.InvocationType.NON_BLOCKING, this::buffered, this::abandon));
        } else {
            send();
        }
    }

    private void buffered(byte[] body) {
        exchange.bufferedBody(body);
        try {
            send();
        } catch (RuntimeException e) {
            abandon(e);
        }
    }

    /** Builds and sends the current attempt; also the stale-connection retry and the failover. */
    private void send() {
        final org.eclipse.jetty.client.Request proxyRequest = originRequest(upstream, exchange.forward(), request);
        upstreamStatus = 0;
        current = proxyRequest;
        upstream.send(exchange, proxyRequest, streamed, this);
    }

    /**
     * The request toward the attempt's origin: the client's method, raw path and query, the client's headers that
     * common's rules copy (Jetty fields passed on as they are), then the decision's headers and Host.
     */
    static org.eclipse.jetty.client.Request originRequest(UpstreamClient upstream, RouteDecision.Forward forward,
                                                          Request request) {
        final HttpURI uri = request.getHttpURI();
        final org.eclipse.jetty.client.Request proxyRequest = upstream.newRequest(forward, request.getMethod(),
                uri.getPath(), uri.getQuery());
        final HttpFields clientHeaders = request.getHeaders();
        final OriginRequestHeaders rules = OriginRequestHeaders.of(forward,
                clientHeaders.contains(HttpHeader.CONNECTION)
                        ? clientHeaders.getValuesList(HttpHeader.CONNECTION) : List.of());
        proxyRequest.headers(headers -> {
            for (HttpField field : clientHeaders) {
                if (rules.copies(field.getName())) {
                    headers.add(field);
                }
            }
            rules.addDecisionHeaders(headers);
        });
        return proxyRequest;
    }

    @Override
    public void onBegin(org.eclipse.jetty.client.Response upstreamResponse) {
        upstreamStatus = upstreamResponse.getStatus();
    }

    @Override
    public void onHeaders(org.eclipse.jetty.client.Response upstreamResponse) {
        CoreResponses.copyHead(upstreamResponse, exchange.forward(), response);
    }

    @Override
    public void onContent(org.eclipse.jetty.client.Response upstreamResponse, Content.Chunk chunk,
                          Runnable demander) {
        // The client's connection holds the buffer until written; the next chunk is demanded only then.
        chunk.retain();
        response.write(false, chunk.getByteBuffer(), new Callback() {
            @Override
            public void succeeded() {
                chunk.release();
                demander.run();
            }

            @Override
            public void failed(Throwable failure) {
                chunk.release();
                exchange.clientGone();
                upstreamResponse.abort(failure);
            }

            @Override
            public InvocationType getInvocationType() {
                return InvocationType.NON_BLOCKING;
            }
        });
    }

    @Override
    public void onComplete(Result result) {
        if (result.isSucceeded()) {
            exchange.responded(result.getResponse().getStatus());
            response.write(true, BufferUtil.EMPTY_BUFFER, callback);
            return;
        }
        final Throwable failure = result.getFailure();
        switch (exchange.failed(failure, upstreamStatus, response.isCommitted())) {
            case RETRY_FRESH_CONNECTION, FAILOVER -> resend();
            case GIVE_UP -> giveUp(failure);
        }
    }

    private void resend() {
        try {
            send();
        } catch (RuntimeException e) {
            // Nothing was sent for this attempt: report it and end the request rather than leave the client waiting.
            LOG.warn("cannot resend {} {}", request.getMethod(), request.getHttpURI().getPath(), e);
            exchange.cancelled();
            callback.failed(e);
        }
    }

    private void giveUp(Throwable failure) {
        if (exchange.isClientGone() || response.isCommitted()) {
            // Too late for a status: failing the callback makes Jetty close the connection, so the client sees an
            // incomplete answer rather than a complete wrong one.
            callback.failed(failure);
            return;
        }
        CoreResponses.write(response, callback, DirectAnswer.failure(exchange.failure(), exchange.forward()));
    }

    /** The client side failed before anything was sent: report the attempt cancelled and end the request. */
    private void abandon(Throwable failure) {
        exchange.clientGone();
        exchange.cancelled();
        callback.failed(failure);
    }

    /** Jetty's notice that the client connection failed (closed, reset, timed out during I/O). */
    private void clientFailed(Throwable failure) {
        exchange.clientGone();
        final org.eclipse.jetty.client.Request inFlight = current;
        if (inFlight != null) {
            inFlight.abort(failure); // its completion reports the attempt cancelled
        }
    }

    /**
     * The client's body as the origin request's content, read as the upstream client asks for it: sent once, never
     * rewound. A failed read means the client went away (or timed out), which is marked so the origin is not blamed.
     */
    private final class ClientBody implements org.eclipse.jetty.client.Request.Content {

        @Override
        public long getLength() {
            return request.getLength();
        }

        @Override
        public Content.Chunk read() {
            final Content.Chunk chunk = request.read();
            if (Content.Chunk.isFailure(chunk)) {
                exchange.clientGone();
            }
            return chunk;
        }

        @Override
        public void demand(Runnable demandCallback) {
            request.demand(demandCallback);
        }

        @Override
        public void fail(Throwable failure) {
            // The upstream side gave up on the body. Failing the client request would fail its response too (Jetty
            // treats it as a failed channel), so the 52x answer could not be written: the rest of the body is left
            // unread, and Jetty discards it (or closes the connection) once the answer is complete.
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
