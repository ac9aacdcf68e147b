package dev.fulcrum.routing;

/**
 * Hears every reported attempt outcome, once per {@link RouteDecision.Forward}, after the router has released its
 * counters; metrics implement it. Called on the wrapper's thread, so implementations must be fast, thread-safe and
 * must not throw. Defaults to {@link #NONE}.
 */
public interface OutcomeListener {

    /** A listener that does nothing. */
    OutcomeListener NONE = (attempt, outcome, status, upstreamNanos) -> { };

    /**
     * @param attempt       the decision that was forwarded (its ids say which load balancer, pool and origin)
     * @param outcome       what happened
     * @param status        the origin's status, 0 when there was none
     * @param upstreamNanos time spent on the upstream exchange
     */
    void completed(RouteDecision.Forward attempt, Outcome outcome, int status, long upstreamNanos);

    /**
     * The router answered a request of load balancer {@code loadBalancerId} itself (530/1016, a refused loop, a
     * rule's fixed response), once per such decision, on the routing thread. Does nothing by default.
     */
    default void answered(String loadBalancerId, RouteDecision.Respond response) {
    }
}
