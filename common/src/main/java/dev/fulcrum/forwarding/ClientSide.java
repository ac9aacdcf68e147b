package dev.fulcrum.forwarding;

import dev.fulcrum.upstream.DirectAnswer;
import dev.fulcrum.upstream.OriginRequestHeaders;
import dev.fulcrum.upstream.TunnelConnection;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.util.Callback;

import java.nio.ByteBuffer;
import java.util.List;

/**
 * The client's half of one forwarded request: what a host gives {@link Forwarding} over its container's request and
 * response. It is container I/O only: which origin, which headers, whether to retry or fail over and which status
 * answers a failure are decided by the loop; the host reads and writes what it is told.
 *
 * <p><b>Threads.</b> The request part is read on whatever thread sends an attempt (the container's for the first, the
 * upstream client's for a retry or a failover), never while the answer is being written. {@link #readBody} and the
 * answer part are called one call at a time, in order: where the loop runs (the container's threads, the upstream
 * client's selectors), where they must not block; or, for a host that may touch its request and response only on
 * the thread that dispatched it, on that thread ({@link ThreadLoop}), where they may. Exactly one of {@link #finish},
 * {@link #answer}, {@link #abort} and {@link #upgrade} ends the exchange.
 */
public interface ClientSide {

    /**
     * First call, on the thread that starts the loop: the host registers here what tells it the client went away
     * (a failed connection, a container timeout) and reports it with {@link Forwarding#clientFailed}.
     */
    void start(Forwarding forwarding);

    // ---- the request, as the origin gets it --------------------------------------------------------------------

    String method();

    /** The path as received, still encoded; null or empty means {@code /}. */
    String rawPath();

    /** The query as received, still encoded, or null. */
    String rawQuery();

    /** The request's protocol, e.g. {@code HTTP/1.1}. */
    String protocol();

    /** The declared body length, or -1 when the request declares none. */
    long contentLength();

    /** The first value of a header, or null. */
    String header(String name);

    /** Every value of a header, in arrival order; empty when absent. */
    List<String> headerValues(String name);

    /** Adds each of the client's headers that {@code rules} copy to {@code headers}, in arrival order. */
    void copyHeaders(OriginRequestHeaders rules, HttpFields.Mutable headers);

    // ---- the request body --------------------------------------------------------------------------------------

    /**
     * Reads the whole body, {@code length} bytes (within the replay limit); then calls {@link Forwarding#bodyRead}
     * with the bytes, or {@link Forwarding#bodyFailed} if the client did not send them.
     */
    void readBody(int length);

    /**
     * The body of a request too large or too open-ended to buffer, read once as the origin side demands it. A
     * failure chunk means the client failed; the loop never fails the source itself (what is left unread is the
     * container's to discard once the answer is complete).
     */
    Content.Source body();

    // ---- the answer --------------------------------------------------------------------------------------------

    /**
     * Whether {@link #finish} sends the origin's trailers to the client. Only then do gRPC calls go to their origins
     * over HTTP/2 (a call's status travels in its trailers); a host that cannot send them keeps HTTP/1.1.
     */
    default boolean sendsTrailers() {
        return false;
    }

    /** Sets the status and headers of the origin's answer; nothing is sent before the first {@link #write}. */
    void head(ResponseHead head);

    /**
     * Writes a chunk of the answer's body and completes {@code written} once the container took it (the loop asks the
     * origin for the next chunk only then), or fails it when the client is gone. {@code bytes} stay valid until then.
     */
    void write(ByteBuffer bytes, Callback written);

    /**
     * Ends the answer after the last chunk.
     *
     * @param trailers the origin's trailers, or null; a host that cannot send them drops them
     */
    void finish(HttpFields trailers);

    /** Answers with {@code answer} instead, over anything set before (a 52x). Nothing was written yet. */
    void answer(DirectAnswer answer);

    /**
     * Ends the exchange without completing the answer: the client connection is closed, so the client sees an
     * incomplete answer rather than a complete wrong one (the answer began, or the client is gone).
     */
    void abort(Throwable failure);

    /**
     * Answers {@code head} (a 101) and joins the client's connection to {@code origin}, the origin's end of a tunnel
     * that switched protocols.
     *
     * @throws Exception if the container cannot switch the connection; the loop then closes {@code origin} and
     *                   answers instead
     */
    void upgrade(ResponseHead head, TunnelConnection origin) throws Exception;
}
