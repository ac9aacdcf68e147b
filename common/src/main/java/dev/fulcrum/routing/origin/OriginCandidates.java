package dev.fulcrum.routing.origin;

/**
 * The origins an {@link OriginSteering} may pick from: already filtered to enabled, usable (healthy when the pool is
 * monitored) origins with weight &gt; 0, in configuration order. Index-based so the hot path allocates nothing.
 * Implementations are immutable apart from the live counters they read.
 */
public interface OriginCandidates {

    int size();

    /** The configured weight, 0–1 (always &gt; 0 here). */
    double weight(int index);

    /** A stable hash of the origin's identity (address and port), for rendezvous hashing. */
    long identityHash(int index);

    /** Requests currently in flight to this origin from this pool. */
    int outstanding(int index);

    /**
     * Open upstream connections to this origin as reported by the wrapper; when the wrapper reports none at all,
     * implementations return {@link #outstanding} instead (documented on the router).
     */
    int connections(int index);
}
