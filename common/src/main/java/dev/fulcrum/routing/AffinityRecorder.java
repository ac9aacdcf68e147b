package dev.fulcrum.routing;

/**
 * Hears the affinity stage's result for each request of a load balancer with session affinity (spec §5): once per
 * request the router forwards that carries or starts a session. A pin kept while the request is served elsewhere
 * ({@code zero_downtime_failover: temporary}) is none of the three, and a failover retry is not routed anew, so it is
 * not counted again. Metrics implement it ({@code metrics.LoadBalancerMetrics}). Called on the request thread while
 * routing, so implementations must be fast, thread-safe and must not throw. Defaults to {@link #NONE}.
 */
public interface AffinityRecorder {

    /** Records nothing. */
    AffinityRecorder NONE = None.INSTANCE;

    /** The request was served on its pin (a servable pinned origin: steering skipped). */
    void hit(String loadBalancerId);

    /** The request had no usable session (no, expired or invalid cookie/header): a new pin was made. */
    void miss(String loadBalancerId);

    /** The request's pin was broken or shed (unusable origin, {@code session_percent}) and a new pin was made. */
    void repinned(String loadBalancerId);

    /** The null object behind {@link #NONE}. */
    enum None implements AffinityRecorder {
        INSTANCE;

        @Override
        public void hit(String loadBalancerId) {
        }

        @Override
        public void miss(String loadBalancerId) {
        }

        @Override
        public void repinned(String loadBalancerId) {
        }
    }
}
