package dev.fulcrum.routing;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * In-flight request counters per pool and per (pool, origin), kept across snapshot rebuilds so that a health flip
 * or an unrelated config write does not reset least-outstanding state. {@code AtomicInteger} (not LongAdder) because
 * the value feeds a decision on every request (STYLE point 6); counts are bounded by concurrent requests, so they
 * cannot overflow.
 *
 * <p>Origins are keyed by pool id + {@code address:port} (the configured port), so renaming an origin keeps its
 * count. Counters of pools and origins no longer configured are dropped at the next rebuild; attempts still holding
 * one decrement it harmlessly.
 */
final class LoadRegistry {

    private final ConcurrentHashMap<String, AtomicInteger> pools = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, AtomicInteger> origins = new ConcurrentHashMap<>();

    AtomicInteger pool(String poolId) {
        return pools.computeIfAbsent(poolId, k -> new AtomicInteger());
    }

    AtomicInteger origin(String poolId, String originKey) {
        return origins.computeIfAbsent(originId(poolId, originKey), k -> new AtomicInteger());
    }

    /** Drops counters not in the given sets (pool ids, and {@link #originId} values). */
    void retain(Set<String> poolIds, Set<String> originIds) {
        pools.keySet().retainAll(poolIds);
        origins.keySet().retainAll(originIds);
    }

    static String originId(String poolId, String originKey) {
        return poolId + '/' + originKey;
    }

    /** Current in-flight count of a pool, 0 when unknown (metrics and tests). */
    int poolOutstanding(String poolId) {
        final AtomicInteger n = pools.get(poolId);
        return n == null ? 0 : n.get();
    }

    /** Current in-flight count of an origin in a pool, 0 when unknown (metrics and tests). */
    int originOutstanding(String poolId, String originKey) {
        final AtomicInteger n = origins.get(originId(poolId, originKey));
        return n == null ? 0 : n.get();
    }
}
