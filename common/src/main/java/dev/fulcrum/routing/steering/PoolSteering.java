package dev.fulcrum.routing.steering;

/**
 * Chooses one pool among the usable candidates (spec §4.2). The router builds the candidate list (including the
 * {@code geo} map precedence, see {@link GeoCandidates}) and the usable mask (enabled, healthy by
 * {@code minimum_origins}, not shed); a policy only picks. Implementations are stateless and thread-safe.
 */
public interface PoolSteering {

    /**
     * The index of the chosen candidate, or -1 when {@code usable} is 0.
     *
     * @param usable bit i set = candidate i may be chosen
     */
    int choose(PoolCandidates candidates, long usable);

    /** {@code off}: the first usable pool in failover order. */
    static PoolSteering failover() {
        return Failover.INSTANCE;
    }

    /** {@code geo}: failover order within the list chosen by the geo maps. */
    static PoolSteering geo() {
        return Geo.INSTANCE;
    }

    /** {@code random}: probability = pool weight ÷ Σ weights of usable pools. */
    static PoolSteering random() {
        return Random.INSTANCE;
    }

    /** {@code dynamic_latency}: lowest average probe RTT first; failover order while no pool has RTT data. */
    static PoolSteering dynamicLatency() {
        return DynamicLatency.INSTANCE;
    }

    /** {@code proximity}: nearest pool to this node; pools without coordinates last, in failover order. */
    static PoolSteering proximity() {
        return Proximity.INSTANCE;
    }

    /** {@code least_outstanding_requests}: weighted random with weight ÷ (1 + in-flight requests). */
    static PoolSteering leastOutstandingRequests() {
        return LeastOutstanding.INSTANCE;
    }

    /** {@code least_connections}: weighted random with weight ÷ (1 + open connections). */
    static PoolSteering leastConnections() {
        return LeastConnections.INSTANCE;
    }

    /**
     * The policy for a load balancer's {@code steering_policy}. {@code ""} (or null) resolves to {@code geo} when
     * {@code hasGeoMaps} (any of region/country/PoP pools non-empty), else {@code off}.
     *
     * @throws IllegalArgumentException for an unknown policy name
     */
    static PoolSteering of(String policy, boolean hasGeoMaps) {
        if (policy == null || policy.isEmpty()) {
            return hasGeoMaps ? geo() : failover();
        }
        switch (policy) {
            case "off":
                return failover();
            case "geo":
                return geo();
            case "random":
                return random();
            case "dynamic_latency":
                return dynamicLatency();
            case "proximity":
                return proximity();
            case "least_outstanding_requests":
                return leastOutstandingRequests();
            case "least_connections":
                return leastConnections();
            default:
                throw new IllegalArgumentException("steering_policy: " + policy + " (expected: off, geo, random, "
                        + "dynamic_latency, proximity, least_outstanding_requests, least_connections, \"\")");
        }
    }
}
