package dev.fulcrum.routing.origin;

import dev.fulcrum.request.Hashing;

/**
 * Picks one origin inside a pool (spec §4.4). Policies never read health: the candidates are already usable.
 * Implementations are stateless and thread-safe.
 */
public interface OriginSteering {

    /**
     * The index of the chosen candidate, or -1 when no candidate remains.
     *
     * @param candidates usable origins of one pool
     * @param clientHash {@link Hashing#of} the client address (CF-Connecting-IP)
     * @param excluded   an index that must not be chosen (the origin that just failed), or -1
     */
    int pick(OriginCandidates candidates, long clientHash, int excluded);

    /** Weighted random: probability = weight ÷ Σ weights. */
    static OriginSteering random() {
        return Random.INSTANCE;
    }

    /** Weighted rendezvous hashing of the client address: sticky per IP, minimal movement on changes. */
    static OriginSteering hash() {
        return Hash.INSTANCE;
    }

    /** Weighted random with weight ÷ (1 + in-flight requests). */
    static OriginSteering leastOutstandingRequests() {
        return LeastOutstanding.INSTANCE;
    }

    /** Weighted random with weight ÷ (1 + open connections). */
    static OriginSteering leastConnections() {
        return LeastConnections.INSTANCE;
    }

    /**
     * The policy for a pool's {@code origin_steering.policy}; null or empty means {@code random}.
     *
     * @throws IllegalArgumentException for an unknown policy name
     */
    static OriginSteering of(String policy) {
        if (policy == null || policy.isEmpty()) {
            return random();
        }
        switch (policy) {
            case "random":
                return random();
            case "hash":
                return hash();
            case "least_outstanding_requests":
                return leastOutstandingRequests();
            case "least_connections":
                return leastConnections();
            default:
                throw new IllegalArgumentException("origin_steering.policy: " + policy
                        + " (expected: random, hash, least_outstanding_requests, least_connections)");
        }
    }
}
