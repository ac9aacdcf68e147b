package dev.fulcrum.upstream;

import dev.fulcrum.routing.Outcome;
import dev.fulcrum.routing.RouteDecision;
import dev.fulcrum.routing.UpstreamFailure;

import java.util.Set;

/**
 * One client request's way to its origins, shared by both wrappers so that they retry and report identically.
 *
 * <p>It allows at most two extra sends, each only while nothing has reached the client and the body can be sent
 * again ({@link RequestBody#replayable()}):
 * <ul>
 *   <li>one <b>stale-connection retry</b> of the same origin on a fresh connection, when an idempotent request
 *       failed with end-of-stream/reset before any response byte: the origin closed an idle pooled connection as
 *       it was reused, so the request never reached it and no outcome is reported for the lost send;</li>
 *   <li>one <b>zero-downtime failover</b> (spec §8.3) to the attempt returned by
 *       {@link RouteDecision.Forward#failover}, after a connection-class failure.</li>
 * </ul>
 * Every {@link RouteDecision.Forward} gets exactly one {@link Outcome}.
 *
 * <p>Concurrency: the container thread and the upstream client's threads touch it one after the other; methods
 * are synchronized so each sees the other's writes. The wrapper keeps it in a request attribute named
 * {@link #ATTRIBUTE}.
 */
public final class ProxyExchange {

    /** The request attribute holding the exchange. */
    public static final String ATTRIBUTE = ProxyExchange.class.getName();

    /** What the wrapper does after a failed attempt. */
    public enum Step {
        /** Send to the same {@link #forward()} again, on a fresh connection ({@link #freshConnection()}). */
        RETRY_FRESH_CONNECTION,
        /** Send to the new {@link #forward()}. */
        FAILOVER,
        /** Answer the client with {@link #failure()} (or abort it when the response was already committed). */
        GIVE_UP
    }

    // RFC 9110 §9.2.2: repeating these has the same effect as sending them once.
    private static final Set<String> IDEMPOTENT = Set.of("GET", "HEAD", "OPTIONS", "TRACE", "PUT", "DELETE");

    private final String method;
    private final RequestBody body;
    private RouteDecision.Forward forward;
    private boolean freshConnection;
    private boolean staleRetried;
    private boolean reported;
    private boolean clientGone;
    private long startNanos;
    private UpstreamFailure failure;
    private byte[] bufferedBody;

    public ProxyExchange(RouteDecision.Forward first, String method, RequestBody body) {
        this.forward = first;
        this.method = method;
        this.body = body;
    }

    /** The attempt to send now. */
    public synchronized RouteDecision.Forward forward() {
        return forward;
    }

    public RequestBody body() {
        return body;
    }

    /** The fully read body of a {@link RequestBody#BUFFERED} request, kept for a second send; else null. */
    public synchronized byte[] bufferedBody() {
        return bufferedBody;
    }

    public synchronized void bufferedBody(byte[] body) {
        this.bufferedBody = body;
    }

    /**
     * The client side failed (went away, or its body could not be read): the next {@link #failed} reports
     * {@link Outcome#CANCELLED} and gives up.
     */
    public synchronized void clientGone() {
        clientGone = true;
    }

    /** Whether the client side failed. */
    public synchronized boolean isClientGone() {
        return clientGone;
    }

    /** Whether the current send must bypass the connection pool. */
    public synchronized boolean freshConnection() {
        return freshConnection;
    }

    /** The failure to answer with once {@link Step#GIVE_UP} was returned, else null. */
    public synchronized UpstreamFailure failure() {
        return failure;
    }

    /** Marks the start of a send (for the reported latency). */
    public synchronized void begin() {
        startNanos = System.nanoTime();
    }

    /** The origin answered completely with this status. */
    public synchronized void responded(int status) {
        report(Outcome.RESPONDED, status);
    }

    /** The client went away (or the wrapper abandoned the request) before an answer. */
    public synchronized void cancelled() {
        report(Outcome.CANCELLED, 0);
    }

    /**
     * Decides what follows a failed send.
     *
     * @param cause           what the upstream client reported
     * @param responseStatus  the origin's status if its response had begun, else 0
     * @param clientCommitted whether anything was already sent to the client
     */
    public synchronized Step failed(Throwable cause, int responseStatus, boolean clientCommitted) {
        final UpstreamFailure classified = UpstreamErrors.classify(cause);
        if (clientGone) {
            report(Outcome.CANCELLED, responseStatus);
            failure = classified;
            return Step.GIVE_UP;
        }
        final boolean canResend = body.replayable() && responseStatus == 0 && !clientCommitted;
        if (canResend && !staleRetried && !freshConnection && IDEMPOTENT.contains(method)
            && UpstreamErrors.staleConnection(cause)) {
            staleRetried = true;
            freshConnection = true;
            return Step.RETRY_FRESH_CONNECTION;
        }
        if (responseStatus != 0) {
            report(Outcome.EXCHANGE_FAILED, responseStatus);
        } else {
            report(UpstreamErrors.outcomeOf(classified), classified.status());
        }
        if (canResend && classified.failoverEligible()) {
            final RouteDecision.Forward next = forward.failover(classified);
            if (next != null) {
                forward = next;
                freshConnection = false;
                reported = false;
                return Step.FAILOVER;
            }
        }
        failure = classified;
        return Step.GIVE_UP;
    }

    private void report(Outcome outcome, int status) {
        if (!reported) {
            reported = true;
            forward.complete(outcome, status, Math.max(0, System.nanoTime() - startNanos));
        }
    }
}
