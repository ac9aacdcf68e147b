package dev.fulcrum.forwarding;

import dev.fulcrum.routing.Outcome;
import dev.fulcrum.routing.RouteDecision;
import dev.fulcrum.routing.UpstreamFailure;
import dev.fulcrum.upstream.RequestBody;
import dev.fulcrum.upstream.UpstreamErrors;

import java.util.Set;

/**
 * The attempts of one client request and their outcomes: which attempt is current, what follows a failed one, and
 * exactly one {@link Outcome} per {@link RouteDecision.Forward}. {@link Forwarding} is the loop built on it.
 *
 * <p>It allows at most two extra sends, each only while nothing has reached the client and the body can be sent
 * again ({@link RequestBody#replayable()}):
 * <ul>
 *   <li>one <b>stale-connection retry</b> of the same origin on a fresh connection, when an idempotent request
 *       failed with end-of-stream/reset before any response byte: the origin closed an idle pooled connection as
 *       it was reused, so the request never reached it and no outcome is reported for the lost send;</li>
 *   <li>one <b>zero-downtime failover</b> (spec §8.3) to the attempt returned by
 *       {@link RouteDecision.Forward#failover}, after a connection-class failure; or, for an idempotent request
 *       whose origin closed or reset the connection before the first response byte (520), one retry on another
 *       origin ({@link RouteDecision.Forward#retryElsewhere}), as nginx's {@code proxy_next_upstream error} does
 *       by default. A POST or PATCH, a streamed body, a read timeout (524) and an answer already begun are never
 *       sent again.</li>
 * </ul>
 *
 * <p>Concurrency: the attempt state is touched by one thread at a time, each handing over to the next through the
 * container or the upstream client (body read → send → the attempt's callbacks → the resend); no lock is needed.
 * Only {@link #clientGone()} comes from anywhere, at any time: it is volatile, and read where an attempt is decided.
 */
class Attempts {

    /** What follows a failed attempt. */
    enum Step {
        /** Send to the same {@link #forward()} again, on a fresh connection ({@link #freshConnection()}). */
        RETRY_FRESH_CONNECTION,
        /** Send to the new {@link #forward()}. */
        FAILOVER,
        /** Answer the client with {@link #failure()} (or abort it when the answer was already committed). */
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
    private volatile boolean clientGone;
    private long startNanos;
    private UpstreamFailure failure;

    Attempts(RouteDecision.Forward first, String method, RequestBody body) {
        this.forward = first;
        this.method = method;
        this.body = body;
    }

    /** The attempt to send now. */
    public final RouteDecision.Forward forward() {
        return forward;
    }

    public final String method() {
        return method;
    }

    final RequestBody body() {
        return body;
    }

    /**
     * The client side failed (went away, or its body could not be read): the next {@link #failed} reports
     * {@link Outcome#CANCELLED} and gives up.
     */
    public final void clientGone() {
        clientGone = true;
    }

    final boolean isClientGone() {
        return clientGone;
    }

    /** Whether the current send must bypass the connection pool. */
    public final boolean freshConnection() {
        return freshConnection;
    }

    /** The failure to answer with once {@link Step#GIVE_UP} was returned, else null. */
    final UpstreamFailure failure() {
        return failure;
    }

    /** Marks the start of a send (for the reported latency). */
    final void begin() {
        startNanos = System.nanoTime();
    }

    /** The origin answered completely with this status. */
    final void responded(int status) {
        report(Outcome.RESPONDED, status);
    }

    /** The client went away, or the attempt could not be sent, before an answer. */
    final void cancelled() {
        report(Outcome.CANCELLED, 0);
    }

    /**
     * Decides what follows a failed send.
     *
     * @param cause           what the upstream client reported
     * @param responseStatus  the origin's status if its response had begun, else 0
     * @param clientCommitted whether anything was already sent to the client
     */
    final Step failed(Throwable cause, int responseStatus, boolean clientCommitted) {
        return failed(cause, responseStatus, clientCommitted, body.replayable());
    }

    /**
     * Decides what follows a failed send whose body may be sent again even though its kind is not replayable: a
     * streamed body no attempt has read yet (spec §8.3 [G]: no request bytes were sent).
     *
     * @param bodyResendable whether the body can be sent again
     */
    final Step failed(Throwable cause, int responseStatus, boolean clientCommitted, boolean bodyResendable) {
        final UpstreamFailure classified = UpstreamErrors.classify(cause);
        if (clientGone) {
            report(Outcome.CANCELLED, responseStatus);
            failure = classified;
            return Step.GIVE_UP;
        }
        final boolean canResend = bodyResendable && responseStatus == 0 && !clientCommitted;
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
        if (canResend) {
            // A failover after a connection-class failure, or (nginx's proxy_next_upstream error, for idempotent
            // methods only) a retry elsewhere after an origin closed or reset before answering.
            final RouteDecision.Forward next = classified.failoverEligible() ? forward.failover(classified)
                : IDEMPOTENT.contains(method) ? forward.retryElsewhere(classified) : null;
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
