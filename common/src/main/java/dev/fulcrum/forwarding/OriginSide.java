package dev.fulcrum.forwarding;

import dev.fulcrum.routing.RouteDecision;
import dev.fulcrum.upstream.TunnelConnection;
import dev.fulcrum.upstream.UpstreamClient;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.io.Content;

/**
 * How {@link Forwarding} reaches origins: it sends the loop's current attempt and tells the loop how it went. This is
 * all the loop knows of the upstream client, so that another one (an HTTP/1.1 connection of our own, HTTP/2 to
 * origins) replaces it without touching the loop or the hosts. {@link #over} gives the one over the runtime's
 * {@link UpstreamClient}.
 *
 * <p>Thread safety: shared by every request; per-request state lives in the {@link Exchange} it opens.
 */
public interface OriginSide {

    /** The origin side over Jetty's client, as the runtime runs it. */
    static OriginSide over(UpstreamClient upstream) {
        return new HttpClientOrigins(upstream);
    }

    /**
     * The origin side of a host that never blocks in its callbacks (the Jetty core hosts): plain HTTP/1.1 on the
     * runtime's origin links when its settings ask for them ({@link UpstreamClient#links()}), everything else over
     * Jetty's client; over Jetty's client alone otherwise.
     */
    static OriginSide linked(UpstreamClient upstream) {
        final var links = upstream.links();
        return links == null ? new HttpClientOrigins(upstream) : new LinkOrigins(upstream, links);
    }

    /** Opens the origin half of one client request; its attempts then go through it one at a time. */
    Exchange open(Attempt attempt);

    /** The largest request body buffered so that it can be sent again. */
    int replayLimit();

    /** The origin half of one client request. */
    interface Exchange {

        /**
         * Sends {@code attempt}'s current attempt; how it went comes back through the attempt's {@code origin*}
         * methods, exactly one of {@link Attempt#originComplete}, {@link Attempt#originFailed} or
         * {@link Attempt#originSwitched}.
         *
         * @throws RuntimeException if the attempt could not be sent at all (then nothing comes back)
         */
        void send();

        /** Aborts the attempt in flight, if any: it then ends in {@link Attempt#originFailed}. */
        void abort(Throwable cause);

        /**
         * Whether the {@linkplain Attempt#streamedBody() streamed body} is still untouched: no attempt read from it
         * or waited for it, so another attempt may still send all of it.
         */
        boolean streamedBodyUntouched();
    }

    /**
     * What the loop tells the origin side about the attempt to send, and hears back. The answer's callbacks for one
     * attempt come one after another, never concurrently.
     */
    interface Attempt {

        /** Where to send it. */
        RouteDecision.Forward forward();

        /** Whether it must bypass the connection pool (a stale-connection retry). */
        boolean freshConnection();

        String method();

        /** The path as received, still encoded; null or empty means {@code /}. */
        String rawPath();

        String rawQuery();

        /** Adds the request headers, Host included, to {@code headers}. */
        void requestHeaders(HttpFields.Mutable headers);

        /** The body to send, the same on every attempt, or null. */
        byte[] bufferedBody();

        /** A body sent once as it arrives, or null. */
        Content.Source streamedBody();

        /** Whether to speak HTTP/2 to the origin (a gRPC call), else HTTP/1.1. */
        boolean http2();

        /** Whether this opens a WebSocket: a 101 switches the connection to a tunnel ({@link #originSwitched}). */
        boolean upgrade();

        /** The client's side failed while its body was being sent: the failure is the client's, not the origin's. */
        void clientGone();

        /** The origin's status and headers arrived. */
        void originHead(int status, HttpFields headers);

        /**
         * A chunk of the origin's body; {@code demand} asks for the next one. The chunk is released when this returns
         * unless it is retained.
         */
        void originContent(Content.Chunk chunk, Runnable demand);

        /** The origin's answer is complete; {@code trailers} are its trailers, or null. */
        void originComplete(HttpFields trailers);

        /**
         * The attempt failed: not sent, no answer, or an answer cut short.
         *
         * @param status the origin's status if its answer had begun, else 0
         */
        void originFailed(Throwable cause, int status);

        /** The origin switched protocols (101); {@code tunnel} owns its connection now. */
        void originSwitched(HttpFields headers, TunnelConnection tunnel);
    }
}
