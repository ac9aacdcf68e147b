package dev.fulcrum.routing.steering;

import dev.fulcrum.config.LoadBalancer;

/**
 * The candidate pools of one load balancer for one request, in failover order (the order of {@code default_pools}
 * or of the matching geo list). Which of them are usable travels separately as a bit mask (bit i = candidate i), so
 * the hot path allocates nothing; there are at most {@link #MAX} candidates.
 */
public interface PoolCandidates {

    /** The most candidates a list can hold (one bit each in a {@code long} mask); the API refuses longer lists. */
    int MAX = LoadBalancer.MAX_POOLS_PER_LIST;

    int size();

    /** {@code random_steering.pool_weights[id]} or {@code default_weight}, 0–1. */
    double weight(int index);

    /** Average probe RTT over the pool's healthy origins in milliseconds, NaN when unknown. */
    double rttMillis(int index);

    /** Great-circle distance from this node to the pool in kilometres, NaN when either location is unknown. */
    double distanceKm(int index);

    /** Requests currently in flight to this pool (all load balancers together). */
    int outstanding(int index);

    /** Open upstream connections to the pool's origins, or {@link #outstanding} when the wrapper reports none. */
    int connections(int index);
}
