package dev.fulcrum.routing;

import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * In-flight request counters per pool and per (pool, origin), kept across snapshot rebuilds so that a health flip
 * or an unrelated config write does not reset least-outstanding state. {@code AtomicInteger} (not LongAdder) because
 * the value feeds a decision on every request (STYLE point 6); counts are bounded by concurrent requests, so they
 * cannot overflow.
 *
 * <p>Origins are keyed by pool id, then {@code address:port} (the configured port), so renaming an origin keeps its
 * count. Counters of pools and origins no longer configured are dropped when their pool's configuration changes,
 * pool by pool (never by visiting every counter); attempts still holding one decrement it harmlessly.
 */
final class LoadRegistry {

    private final ConcurrentHashMap<String, AtomicInteger> pools = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, ConcurrentHashMap<String, AtomicInteger>> origins =
            new ConcurrentHashMap<>();

    AtomicInteger pool(String poolId) {
        return pools.computeIfAbsent(poolId, k -> new AtomicInteger());
    }

    AtomicInteger origin(String poolId, String originKey) {
        return origins.computeIfAbsent(poolId, k -> new ConcurrentHashMap<>())
                .computeIfAbsent(originKey, k -> new AtomicInteger());
    }

    /** Drops the counters of a pool that is no longer configured. */
    void removePool(String poolId) {
        pools.remove(poolId);
        origins.remove(poolId);
    }

    /** Drops the counters of the pool's origins whose keys are not in {@code originKeys}. */
    void retainOrigins(String poolId, Set<String> originKeys) {
        final Map<String, AtomicInteger> counters = origins.get(poolId);
        if (counters != null) {
            counters.keySet().retainAll(originKeys);
        }
    }

    /** Current in-flight count of a pool, 0 when unknown (metrics and tests). */
    int poolOutstanding(String poolId) {
        final AtomicInteger n = pools.get(poolId);
        return n == null ? 0 : n.get();
    }

    /** Current in-flight count of an origin in a pool, 0 when unknown (metrics and tests). */
    int originOutstanding(String poolId, String originKey) {
        final Map<String, AtomicInteger> counters = origins.get(poolId);
        final AtomicInteger n = counters == null ? null : counters.get(originKey);
        return n == null ? 0 : n.get();
    }
}
